"""The audit log: every state-changing request, allowed or denied, kept for good."""
