"""Event taxonomy modelled on ACLED's event types and sub-types, plus diplomatic events."""

from __future__ import annotations

from enum import Enum

__all__ = ["DEFAULT_SUB_TYPE", "SUB_TYPES", "EventType"]


class EventType(str, Enum):
    BATTLES = "Battles"
    EXPLOSIONS = "Explosions/Remote violence"
    VIOLENCE_AGAINST_CIVILIANS = "Violence against civilians"
    PROTESTS = "Protests"
    RIOTS = "Riots"
    STRATEGIC = "Strategic developments"
    DIPLOMATIC = "Diplomatic event"
    OTHER = "Other"


SUB_TYPES: dict[EventType, tuple[str, ...]] = {
    EventType.BATTLES: (
        "Armed clash",
        "Government regains territory",
        "Non-state actor overtakes territory",
    ),
    EventType.EXPLOSIONS: (
        "Air/drone strike",
        "Shelling/artillery/missile attack",
        "Suicide bomb",
        "Remote explosive/landmine/IED",
        "Grenade",
        "Chemical weapon",
    ),
    EventType.VIOLENCE_AGAINST_CIVILIANS: (
        "Attack",
        "Abduction/forced disappearance",
        "Sexual violence",
    ),
    EventType.PROTESTS: (
        "Peaceful protest",
        "Protest with intervention",
        "Excessive force against protesters",
    ),
    EventType.RIOTS: ("Violent demonstration", "Mob violence"),
    EventType.STRATEGIC: (
        "Agreement",
        "Arrests",
        "Change to group/activity",
        "Disrupted weapons use",
        "Looting/property destruction",
        "Non-violent transfer of territory",
        "Other",
    ),
    EventType.DIPLOMATIC: (
        "Talks/meeting",
        "Ceasefire announcement",
        "Statement",
        "Sanctions",
        "Withdrawal from talks",
    ),
    EventType.OTHER: ("Other",),
}

DEFAULT_SUB_TYPE: dict[EventType, str] = {k: v[0] for k, v in SUB_TYPES.items()}
