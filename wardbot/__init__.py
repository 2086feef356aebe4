"""The ward bot: answers residents' questions and alerts them to new announcements."""
