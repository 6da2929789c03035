"""Shells around the retrieval core: the ``corpusbot`` CLI and the Telegram bot."""
