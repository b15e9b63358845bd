"""Widgets only: the dock panel and dialogs, which call into ``jin_plugin.core``."""
