"""Turning what the bot wants to say into posts: templates -> Message -> Discord or terminal."""
