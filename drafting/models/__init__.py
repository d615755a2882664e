"""The persistent model, one module per aggregate."""

from drafting.models.affirmations import Affirmation, Answer
from drafting.models.answer_evidence import AnswerEvidence
from drafting.models.audit import AuditAnchor, AuditEvent, AuditHead
from drafting.models.clause_templates import ClauseTemplate, TemplateCategory
from drafting.models.comments import AmendmentDecision, Comment, CommentPart, CommentStatus
from drafting.models.declarations import (
    Clause,
    CoHostStatus,
    Declaration,
    DatePosition,
    DeclarationLayout,
    DeclarationState,
    Participant,
    ParticipantRole,
)
from drafting.models.delegate_invitations import DelegateInvitation
from drafting.models.desk_visits import DeskVisit
from drafting.models.form_submissions import FormSubmission
from drafting.models.mandates import Mandate, MandateStatus
from drafting.models.organizations import Network, NetworkMembership, Organization, OrganizationKind, OrganizationName
from drafting.models.outgoing_messages import OutgoingMessage
from drafting.models.sign_ins import FailedSignIn, SignIn
from drafting.models.silences import Silence
from drafting.models.stances import Position, Stance
from drafting.models.signing_certificates import SigningCertificate
from drafting.models.stored_pdfs import StoredPdf
from drafting.models.users import HostNotifications, PasswordReset, User, UserRole
from drafting.models.versions import Version

__all__ = [
    "Affirmation",
    "AmendmentDecision",
    "Answer",
    "AnswerEvidence",
    "AuditAnchor",
    "AuditEvent",
    "AuditHead",
    "Clause",
    "ClauseTemplate",
    "CoHostStatus",
    "Comment",
    "CommentPart",
    "CommentStatus",
    "Declaration",
    "DatePosition",
    "DeclarationLayout",
    "DeclarationState",
    "DelegateInvitation",
    "DeskVisit",
    "FailedSignIn",
    "FormSubmission",
    "HostNotifications",
    "Mandate",
    "MandateStatus",
    "Network",
    "NetworkMembership",
    "Organization",
    "OrganizationName",
    "OrganizationKind",
    "OutgoingMessage",
    "Participant",
    "PasswordReset",
    "Position",
    "ParticipantRole",
    "SignIn",
    "Silence",
    "SigningCertificate",
    "Stance",
    "StoredPdf",
    "TemplateCategory",
    "User",
    "UserRole",
    "Version",
]
