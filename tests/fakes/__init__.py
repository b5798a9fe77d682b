"""Local stand-ins for the platforms the bot talks to: real HTTP servers on loopback."""
