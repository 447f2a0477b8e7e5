"""Modals: each builds a view and reads its submission back."""
