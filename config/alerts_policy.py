"""alerts.yml (optional): where monitoring alerts come from and what case each becomes
(INTAKE-1, INTAKE-4). Sources name the environment variable holding their token, never the
token; rules are tried in order, and an alert no rule matches goes to the desk's queue with
"I don't know" answers."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, ValidationInfo, model_validator

from config.catalog_policy import ServiceRef
from config.policy_types import (
    Duration,
    Entry,
    Key,
    Keyed,
    Section,
    Text,
    UserId,
    matching,
    problem,
    provided,
)

SourceKind = Literal["alertmanager", "grafana", "generic"]
ENV_NAME = r"^[A-Z_][A-Z0-9_]*$"
LABEL_NAME = r"^[A-Za-z_][A-Za-z0-9_]*$"
# {labels.alertname}, {annotations.summary}: the only placeholders a summary may hold.
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
PLACEHOLDER_NAME = re.compile(r"^(labels|annotations)\.[A-Za-z_][A-Za-z0-9_]*$")
CATEGORY = Literal["hardware", "software", "network", "security", "other"]


class Source(Entry):
    """One monitoring system that posts alerts: its kind (the endpoint it posts to), the
    variable holding its token, and who the desk tells about the cases it opens."""

    key_kind = "setting"
    kind: SourceKind
    token_env: Annotated[str, matching(ENV_NAME, "an environment variable name like ALERTS_TOKEN")]
    requester: UserId


def _regex(value: str) -> str:
    try:
        re.compile(value)
    except re.error as exc:
        raise problem(f"not a regular expression ({exc})", "a Python regular expression") from None
    return value


LabelName = Annotated[str, matching(LABEL_NAME, "a label name: letters, digits and _")]
Pattern = Annotated[str, AfterValidator(_regex)]


def _template(value: str) -> str:
    for name in PLACEHOLDER.findall(value):
        if not PLACEHOLDER_NAME.match(name):
            raise problem(
                f"unknown placeholder {{{name}}}",
                "{labels.<name>} and {annotations.<name>}, e.g. {labels.alertname}",
            )
    return value


Template = Annotated[Text, AfterValidator(_template)]


class Rule(Section):
    """Alerts whose labels all match (`match` equal, `match_re` a full regular-expression
    match) get this service, category and classification. Impact comes from business-impact
    answers (priority.yml's questions); urgency from the `severity` label through `urgency`."""

    key_kind = "setting"
    name: Key
    match: dict[LabelName, str] = Field(default_factory=dict)
    match_re: dict[LabelName, Pattern] = Field(default_factory=dict)
    service: ServiceRef | None = None
    category: CATEGORY | None = None
    impact: dict[Key, Key] = Field(default_factory=dict)
    severity_label: LabelName = "severity"
    urgency: dict[str, Key] = Field(default_factory=dict)
    summary: Template = "{labels.alertname}: {annotations.summary}"

    @model_validator(mode="after")
    def _known_answers(self, info: ValidationInfo) -> Rule:
        questions: dict[str, Any] = provided(info, "impact_questions")
        for key, value in self.impact.items():
            question = questions.get(key)
            if question is None:
                raise problem(
                    "not a business-impact question",
                    ", ".join(questions),
                    at=("impact", key),
                    found=key,
                )
            values = [o.value for o in question.options]
            if value not in values:
                raise problem(
                    "not an answer to this question",
                    ", ".join(values),
                    at=("impact", key),
                    found=value,
                )
        levels: tuple[str, ...] = provided(info, "urgency_levels")
        for severity, urgency in self.urgency.items():
            if urgency not in levels:
                raise problem(
                    "not an urgency level",
                    ", ".join(levels),
                    at=("urgency", severity),
                    found=urgency,
                )
        return self


def _one_rule_each(rules: tuple[Rule, ...]) -> tuple[Rule, ...]:
    seen: set[str] = set()
    for index, rule in enumerate(rules):
        if rule.name in seen:
            raise problem("used twice", "one rule per name", at=(index, "name"), found=rule.name)
        seen.add(rule.name)
    return rules


class AlertsFile(Section):
    """The whole of alerts.yml."""

    sources: Annotated[dict[Key, Source], Keyed, Field(min_length=1)]
    rules: Annotated[tuple[Rule, ...], AfterValidator(_one_rule_each)] = ()
    storm_window: Duration = timedelta(minutes=10)

    @model_validator(mode="after")
    def _one_token_each(self) -> AlertsFile:
        seen: dict[str, str] = {}
        for key, source in self.sources.items():
            if source.token_env in seen:
                raise problem(
                    f"already the token of source {seen[source.token_env]}",
                    "a variable of its own for each source",
                    at=("sources", key, "token_env"),
                    found=source.token_env,
                )
            seen[source.token_env] = key
        return self
