"""The conversation: one actor per WhatsApp user, its flows, screens and session model."""
