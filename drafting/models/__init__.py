"""The persistent model, one module per aggregate."""

from drafting.models.clause_templates import ClauseTemplate, TemplateCategory
from drafting.models.declarations import (
    Clause,
    Declaration,
    DeclarationLayout,
    DeclarationState,
    Participant,
    ParticipantRole,
)
from drafting.models.organizations import Network, NetworkMembership, Organization, OrganizationKind
from drafting.models.users import User, UserRole

__all__ = [
    "Clause",
    "ClauseTemplate",
    "Declaration",
    "DeclarationLayout",
    "DeclarationState",
    "Network",
    "NetworkMembership",
    "Organization",
    "OrganizationKind",
    "Participant",
    "ParticipantRole",
    "TemplateCategory",
    "User",
    "UserRole",
]
