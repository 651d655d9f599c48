"""File formats the bot sends as WhatsApp media: QR code images and PDF statements."""
