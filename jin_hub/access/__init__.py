"""Who may see what: agencies, users and API keys, record-level grants, and the audit log."""
