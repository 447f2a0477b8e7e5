"""Settings from the environment and the desk's process policy from YAML (this folder)."""

from config.policy import Policy, PolicyError, load_policy
from config.settings import Settings, SettingsError, load_settings

__all__ = ["Policy", "PolicyError", "Settings", "SettingsError", "load_policy", "load_settings"]
