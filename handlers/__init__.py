"""Channel adapters: translate between a chat platform and the conversation core."""
