"""Pure parsy grammars for what users type."""
