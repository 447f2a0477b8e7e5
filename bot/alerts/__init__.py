"""Alerts from monitoring (INTAKE-1, INTAKE-4): the `/alerts/...` endpoints, their three
payload formats, what case an alert becomes, and how a group's notifications update it."""
