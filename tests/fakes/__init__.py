"""Fake servers for tests: real HTTP on 127.0.0.1, recording what the bot sends."""
