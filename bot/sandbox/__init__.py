"""A local Slack: a Web API stand-in and a terminal renderer, for the sandbox and tests."""
