"""POST /api/v1/referrals/: a referrer's system (a GP system, Zorgdomein-style) registers a
support request. Same rules as the form: intake.services does the work."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.services import Event, access_log_record
from referrals.models import ReferrerOrganisation
from samen.dates import validate_date_in_range
from samen.identifiers import normalize_bsn, normalize_postcode
from samen.limits import LONG_TEXT

from . import services
from .models import Client, SupportRequest


class CanRegisterRequests(BasePermission):
    def has_permission(self, request, view):
        return request.user.has_perm("intake.add_supportrequest")


class ChildSerializer(serializers.Serializer):
    bsn = serializers.CharField(max_length=11, help_text=gettext_lazy("8 or 9 digits, 11-proof."))
    first_name = serializers.CharField(max_length=100)
    last_name = serializers.CharField(max_length=150)
    date_of_birth = serializers.DateField(validators=[validate_date_in_range])
    postcode = serializers.CharField(max_length=7)
    house_number = serializers.CharField(max_length=10)
    street = serializers.CharField(max_length=150, required=False, default="")
    city = serializers.CharField(max_length=100, required=False, default="Groningen")

    def validate_bsn(self, value):
        try:
            return normalize_bsn(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc

    def validate_postcode(self, value):
        try:
            return normalize_postcode(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc

    def validate_date_of_birth(self, value):
        if value > timezone.localdate():
            raise serializers.ValidationError(_("A date of birth cannot be in the future."))
        return value


CHILD_FIELDS = set(ChildSerializer._declared_fields)


class ParentSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    phone = serializers.CharField(max_length=30, required=False, default="")


class ReferralInSerializer(serializers.Serializer):
    referrer_agb_code = serializers.RegexField(
        r"^[0-9]{8}$", help_text=gettext_lazy("The referrer's AGB code (8 digits).")
    )
    referring_person = serializers.CharField(max_length=200, required=False, default="")
    referral_date = serializers.DateField(validators=[validate_date_in_range])
    question = serializers.CharField(max_length=LONG_TEXT)
    child = ChildSerializer()
    parent = ParentSerializer(required=False)

    def validate_referrer_agb_code(self, value):
        organisation = ReferrerOrganisation.objects.filter(agb_code=value, active=True).first()
        if organisation is None:
            raise serializers.ValidationError(
                _("Unknown AGB code: this referrer is not registered.")
            )
        return organisation

    def validate_referral_date(self, value):
        if value > timezone.localdate():
            raise serializers.ValidationError(
                _("The referral date cannot be after the registration.")
            )
        return value

    def validate(self, data):
        child = data["child"]
        if (
            services.team_for_postcode(child["postcode"]) is None
            and not Client.objects.filter(bsn=child["bsn"]).exists()
        ):
            raise serializers.ValidationError(
                {"child": {"postcode": [_("This postcode is not in a WIJ team's area.")]}}
            )
        return data


class RouteOutSerializer(serializers.Serializer):
    is_open = serializers.BooleanField()
    message = serializers.CharField()


class ReferralOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    contact_deadline = serializers.DateField()
    team = serializers.CharField()
    route = RouteOutSerializer()


class ReferralCreate(APIView):
    """Create a support request from a referral.

    A referral whose route is not open yet is still accepted by WIJ (free access) as a
    self-registration; the answer says so in `route`. A referral for a child who already
    has an open request is registered too (a system cannot be asked "add to the open
    request?"): the request page and the worklists show the team the possible
    duplicate, and the team decides. The answer does not say so: it would tell a
    referrer's system, for any BSN, whether the child is in care at WIJ.
    """

    permission_classes = [CanRegisterRequests]

    @extend_schema(request=ReferralInSerializer, responses={201: ReferralOutSerializer})
    def post(self, request):
        incoming = ReferralInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        organisation = data["referrer_agb_code"]
        child = data["child"]
        referral = services.Referral(
            referrer_type=organisation.referrer_type,
            organisation=organisation,
            person=data["referring_person"],
            date=data["referral_date"],
        )
        parent = data.get("parent")
        try:
            support_request = services.support_request_register_for_child(
                registered_by=request.user,
                client=Client.objects.filter(bsn=child["bsn"]).first(),
                new_client=child,
                adults=[{"role": "parent", **parent}] if parent else [],
                channel=SupportRequest.Channel.API,
                question=data["question"],
                referral=referral,
                route_decision=SupportRequest.RouteOutcome.ACCEPTED_AS_SELF,
                unchecked_duplicates=True,
            )
        except DjangoValidationError as exc:
            # The serializer checks what the models check; should a model rule still
            # refuse (the same new child registered at the same moment), the answer is a
            # 400 naming the field as the serializer would, never a 500.
            if not hasattr(exc, "error_dict"):
                return Response({"non_field_errors": exc.messages}, status=400)
            errors = exc.message_dict
            child = {name: errors.pop(name) for name in list(errors) if name in CHILD_FIELDS}
            if child:
                errors["child"] = child
            return Response(errors, status=status.HTTP_400_BAD_REQUEST)
        access_log_record(
            request=request,
            event=Event.CREATE,
            part="request",
            clients=support_request.clients.all(),
            object_id=support_request.pk,
        )
        route = services.referral_route(referral, support_request.received_at)
        body = {
            "id": support_request.pk,
            "status": support_request.status,
            "contact_deadline": support_request.contact_deadline,
            "team": support_request.team.name,
            "route": {"is_open": route.is_open, "message": route.message},
        }
        return Response(ReferralOutSerializer(body).data, status=status.HTTP_201_CREATED)
