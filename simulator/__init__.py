"""Local stand-ins for the two external systems (credex-core, WhatsApp). Never used in production paths."""
