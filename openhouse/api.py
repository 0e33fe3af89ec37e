"""API for providers' own systems: their indications, uploading an end-evaluation, and the
provider's steps (an extension request, an early end, a handover to another provider, a GP
referral passed on to WIJ), each calling the same service as the portal.
Authentication: a token (DRF) of a provider user, so every token acts for exactly one
provider organisation; the same `visible_to` as the portal decides what it may see."""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.services import Event, access_log_record, log_read
from indications.models import ExtensionRequest, Indication
from indications.services import indication_end_early, indication_hand_over_to_provider
from intake.api import ChildSerializer
from referrals.models import Product
from samen.codelists import EARLY_END_REASONS, EndReason
from samen.dates import validate_date_in_range
from samen.limits import LONG_TEXT, REASON_TEXT
from samen.roles import PROVIDER, user_has_role

from . import services
from .models import EndEvaluation, PassedOnReferral, Provider
from .uploads import too_large_message, upload_was_too_large


class IsProviderUser(BasePermission):
    def has_permission(self, request, view):
        return user_has_role(request.user, PROVIDER)


class EndEvaluationSerializer(serializers.ModelSerializer):
    class Meta:
        model = EndEvaluation
        fields = ("id", "version", "original_name", "uploaded_at", "on_time")


class ExtensionRequestSerializer(serializers.ModelSerializer):
    """A request to extend and, once decided, the decision and its reason (`weighing`).
    The reasons only of the provider's own requests: a request from WIJ's triage carries
    WIJ's notes about the family, which are not the provider's to read (as in the portal)."""

    reasons = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.STR)
    def get_reasons(self, extension) -> str:
        return (
            extension.reasons
            if extension.requested_by == ExtensionRequest.Requester.PROVIDER
            else ""
        )

    class Meta:
        model = ExtensionRequest
        fields = (
            "id",
            "requested_on",
            "requested_by",
            "reasons",
            "proposed_end_on",
            "end_evaluation",
            "decide_by",
            "decision",
            "weighing",
            "new_end_on",
            "decided_on",
        )


class IndicationSerializer(serializers.ModelSerializer):
    client_name = serializers.CharField(source="client.full_name")
    client_date_of_birth = serializers.DateField(source="client.date_of_birth")
    product_code = serializers.CharField(source="product.code")
    end_evaluations = EndEvaluationSerializer(many=True)
    extension_requests = ExtensionRequestSerializer(many=True)

    class Meta:
        model = Indication
        fields = (
            "id",
            "client_name",
            "client_date_of_birth",
            "product_code",
            "start_on",
            "end_on",
            "status",
            "end_reason",
            "evaluation_due_on",
            "end_evaluations",
            "extension_requests",
        )
        extra_kwargs = {"end_on": {"help_text": gettext_lazy("Empty: an open end.")}}


class IndicationList(ListAPIView):
    """The caller's own clients' indications (and only those)."""

    serializer_class = IndicationSerializer
    permission_classes = [IsProviderUser]

    def get_queryset(self):
        return (
            Indication.objects.visible_to(self.request.user)
            .select_related("client", "product")
            .prefetch_related("end_evaluations", "extension_requests")
            .order_by("end_on", "id")
        )

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        shown = [row["id"] for row in response.data.get("results", [])]
        if shown:
            client_ids = Indication.objects.filter(pk__in=shown).values_list("client_id", flat=True)
            log_read(request, "indications (API)", client_ids)
        return response


class EndEvaluationUploadSerializer(serializers.Serializer):
    document = serializers.FileField()


class EndEvaluationUpload(APIView):
    """Upload an end-evaluation (PDF, multipart field `document`); a new version each time."""

    permission_classes = [IsProviderUser]
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": EndEvaluationUploadSerializer},
        responses={201: EndEvaluationSerializer},
    )
    def post(self, request, pk):
        indication = Indication.objects.visible_to(request.user).filter(pk=pk).first()
        if indication is None:
            return Response({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)
        incoming = EndEvaluationUploadSerializer(data=request.data)
        if upload_was_too_large(request):
            return Response({"document": [too_large_message()]}, status=status.HTTP_400_BAD_REQUEST)
        incoming.is_valid(raise_exception=True)
        try:
            evaluation = services.end_evaluation_upload(
                indication=indication, upload=incoming.validated_data["document"], user=request.user
            )
        except DjangoValidationError as exc:
            return Response({"document": exc.messages}, status=status.HTTP_400_BAD_REQUEST)
        access_log_record(
            request=request,
            event=Event.CREATE,
            part="end-evaluation",
            clients=[indication.client_id],
            object_id=evaluation.pk,
        )
        return Response(EndEvaluationSerializer(evaluation).data, status=status.HTTP_201_CREATED)


def _errors(exc: DjangoValidationError) -> dict:
    """A service's refusal as DRF's 400 body: per field its messages, `non_field_errors`
    for the whole."""
    if not hasattr(exc, "error_dict"):
        return {"non_field_errors": exc.messages}
    body = exc.message_dict
    if NON_FIELD_ERRORS in body:
        body["non_field_errors"] = body.pop(NON_FIELD_ERRORS)
    return body


def _own_indication(request, pk):
    """The caller's own indication, or None (another provider's or none: 404 alike)."""
    return (
        Indication.objects.visible_to(request.user)
        .select_related("client__team", "product")
        .filter(pk=pk)
        .first()
    )


NOT_FOUND = {"detail": gettext_lazy("Not found.")}


def _indication_fresh(indication) -> Indication:
    """The indication as the step left it, with what IndicationSerializer shows."""
    return (
        Indication.objects.select_related("client", "product")
        .prefetch_related("end_evaluations", "extension_requests")
        .get(pk=indication.pk)
    )


class ExtensionRequestInSerializer(serializers.Serializer):
    reasons = serializers.CharField(max_length=REASON_TEXT)
    proposed_end_on = serializers.DateField(validators=[validate_date_in_range])
    end_evaluation = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text=gettext_lazy(
            "The id of an end-evaluation uploaded before for the current end date; or send "
            "`document` (multipart) instead."
        ),
    )
    document = serializers.FileField(
        required=False, help_text=gettext_lazy("The end-evaluation as a PDF (multipart).")
    )

    def validate(self, data):
        if ("end_evaluation" in data) == ("document" in data):
            raise serializers.ValidationError(
                {"end_evaluation": [_("Send either end_evaluation or document.")]}
            )
        return data


class ExtensionRequestCreate(APIView):
    """Ask to extend one of the caller's indications (verlengingsverzoek), with the
    end-evaluation for the current end: uploaded before (its id) or sent along as a PDF
    (multipart `document`). The youth administration decides by `decide_by`; the decision
    and its reason show in the indication's `extension_requests`."""

    permission_classes = [IsProviderUser]
    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(
        request={
            "application/json": ExtensionRequestInSerializer,
            "multipart/form-data": ExtensionRequestInSerializer,
        },
        responses={201: ExtensionRequestSerializer},
    )
    def post(self, request, pk):
        indication = _own_indication(request, pk)
        if indication is None:
            return Response(NOT_FOUND, status=status.HTTP_404_NOT_FOUND)
        if upload_was_too_large(request):
            return Response({"document": [too_large_message()]}, status=status.HTTP_400_BAD_REQUEST)
        incoming = ExtensionRequestInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        evaluation = None
        if "end_evaluation" in data:
            evaluation = EndEvaluation.objects.filter(
                indication=indication, pk=data["end_evaluation"]
            ).first()
            if evaluation is None:
                return Response(
                    {"end_evaluation": [_("No end-evaluation of this indication has this id.")]},
                    status=status.HTTP_400_BAD_REQUEST,
                )
        try:
            extension = services.extension_request_send(
                indication=indication,
                user=request.user,
                reasons=data["reasons"],
                proposed_end_on=data["proposed_end_on"],
                end_evaluation=evaluation,
                document=data.get("document"),
            )
        except DjangoValidationError as exc:
            return Response(_errors(exc), status=status.HTTP_400_BAD_REQUEST)
        access_log_record(
            request=request,
            event=Event.CREATE,
            part="extension request",
            clients=[indication.client_id],
            object_id=extension.pk,
        )
        return Response(ExtensionRequestSerializer(extension).data, status=status.HTTP_201_CREATED)


class EndEarlyInSerializer(serializers.Serializer):
    how = serializers.ChoiceField(
        choices=[Indication.Status.TRANSFERRED, Indication.Status.STOPPED_EARLY],
        help_text=gettext_lazy(
            "transferred: handed over to WIJ now; stopped_early: the care stops early."
        ),
    )
    ends_on = serializers.DateField(
        validators=[validate_date_in_range], help_text=gettext_lazy("The last day of care.")
    )
    end_reason = serializers.ChoiceField(
        choices=[(r.value, EndReason(r).label) for r in EARLY_END_REASONS],
        help_text=gettext_lazy("JZ588: why the care ends early."),
    )
    message = serializers.CharField(
        max_length=LONG_TEXT, help_text=gettext_lazy("To WIJ, for the warm handover.")
    )


class EndEarly(APIView):
    """The care of one of the caller's indications ends early, or is handed over to WIJ
    now (seed 002 q6): the indication ends with the date, reason and status; the WIJ team
    gets a task at once; the message opens the warm-handover thread."""

    permission_classes = [IsProviderUser]

    @extend_schema(request=EndEarlyInSerializer, responses={200: IndicationSerializer})
    def post(self, request, pk):
        indication = _own_indication(request, pk)
        if indication is None:
            return Response(NOT_FOUND, status=status.HTTP_404_NOT_FOUND)
        incoming = EndEarlyInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        try:
            indication_end_early(
                indication_id=indication.pk,
                ends_on=data["ends_on"],
                end_reason=data["end_reason"],
                message=data["message"],
                user=request.user,
                status=data["how"],
            )
        except DjangoValidationError as exc:
            return Response(_errors(exc), status=status.HTTP_400_BAD_REQUEST)
        access_log_record(
            request=request,
            event=Event.CHANGE,
            part="indication ended early",
            clients=[indication.client_id],
            object_id=indication.pk,
        )
        return Response(IndicationSerializer(_indication_fresh(indication)).data)


class HandOverInSerializer(serializers.Serializer):
    provider_agb_code = serializers.RegexField(
        r"^[0-9]{8}$",
        help_text=gettext_lazy(
            "The AGB code of the other provider: active, with this product in its RIGG contract."
        ),
    )
    starts_on = serializers.DateField(
        validators=[validate_date_in_range],
        help_text=gettext_lazy("The other provider's first day; yours ends the day before."),
    )


class ContinuedBySerializer(serializers.Serializer):
    provider_name = serializers.CharField()
    provider_agb_code = serializers.CharField()
    starts_on = serializers.DateField()


class HandOverOutSerializer(serializers.Serializer):
    indication = IndicationSerializer(help_text=gettext_lazy("Yours, ended with reason 38."))
    continued_by = ContinuedBySerializer()


class HandOver(APIView):
    """Hand one of the caller's indications over to another provider (small volume, seed
    002 q15), as the national messages do: this indication ends the day before the other
    provider starts (reason 38) and a new one runs there until the same end."""

    permission_classes = [IsProviderUser]

    @extend_schema(request=HandOverInSerializer, responses={201: HandOverOutSerializer})
    def post(self, request, pk):
        indication = _own_indication(request, pk)
        if indication is None:
            return Response(NOT_FOUND, status=status.HTTP_404_NOT_FOUND)
        incoming = HandOverInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        provider = Provider.objects.filter(agb_code=data["provider_agb_code"]).first()
        if provider is None:
            return Response(
                {"provider_agb_code": [_("No provider has this AGB code.")]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        try:
            successor = indication_hand_over_to_provider(
                indication_id=indication.pk,
                provider=provider,
                starts_on=data["starts_on"],
                user=request.user,
            )
        except DjangoValidationError as exc:
            body = _errors(exc)
            if "provider" in body:
                body["provider_agb_code"] = body.pop("provider")
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        access_log_record(
            request=request,
            event=Event.CHANGE,
            part="indication handed over",
            clients=[indication.client_id],
            object_id=indication.pk,
        )
        body = {
            "indication": _indication_fresh(indication),
            "continued_by": {
                "provider_name": provider.name,
                "provider_agb_code": provider.agb_code,
                "starts_on": successor.start_on,
            },
        }
        return Response(HandOverOutSerializer(body).data, status=status.HTTP_201_CREATED)


class PassedOnReferralSerializer(serializers.ModelSerializer):
    """What the provider passed on: never the support request at WIJ."""

    product_code = serializers.CharField(source="product.code")

    class Meta:
        model = PassedOnReferral
        fields = (
            "id",
            "child_name",
            "product_code",
            "referral_date",
            "gp_name",
            "gp_agb_code",
            "passed_on_at",
        )


class PassOnChildSerializer(ChildSerializer):
    """The child as the referral API takes it (street and place are not asked here)."""

    street = None
    city = None


class PassOnInSerializer(serializers.Serializer):
    child = PassOnChildSerializer()
    product_code = serializers.CharField(max_length=5)
    referral_date = serializers.DateField(validators=[validate_date_in_range])
    gp_name = serializers.CharField(max_length=200)
    gp_agb_code = serializers.CharField(max_length=8, required=False, default="")
    note = serializers.CharField(max_length=REASON_TEXT, required=False, default="")

    def validate_product_code(self, value):
        product = Product.objects.filter(code=value.strip().upper()).first()
        if product is None:
            raise serializers.ValidationError(_("Not one of the products of Basis jeugdhulp."))
        return product


class PassedOnReferrals(ListAPIView):
    """GET: the GP referrals the caller's provider passed on to WIJ, newest first.
    POST: pass a new GP referral for one of the 11 products on to WIJ (it reached the
    provider after the GP route to WIJ opened). It becomes a support request at the
    child's WIJ team with the GP as referrer; the answer is the same whether the child is
    known at WIJ or not, and never shows WIJ's request."""

    serializer_class = PassedOnReferralSerializer
    permission_classes = [IsProviderUser]

    def get_queryset(self):
        return PassedOnReferral.objects.visible_to(self.request.user).select_related("product")

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        shown = [row["id"] for row in response.data.get("results", [])]
        if shown:
            client_ids = PassedOnReferral.objects.filter(pk__in=shown).values_list(
                "client_id", flat=True
            )
            log_read(request, "referrals passed on (API)", client_ids)
        return response

    @extend_schema(request=PassOnInSerializer, responses={201: PassedOnReferralSerializer})
    def post(self, request):
        membership = getattr(request.user, "provider_membership", None)
        if membership is None:
            return Response(NOT_FOUND, status=status.HTTP_404_NOT_FOUND)
        incoming = PassOnInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        try:
            passed = services.referral_pass_on(
                provider=membership.provider,
                user=request.user,
                child=data["child"],
                product=data["product_code"],
                referral_date=data["referral_date"],
                gp_name=data["gp_name"],
                gp_agb_code=data["gp_agb_code"],
                note=data["note"],
            )
        except DjangoValidationError as exc:
            body = _errors(exc)
            child = {name: body.pop(name) for name in list(body) if name in services.CHILD_FIELDS}
            if child:
                body["child"] = child
            if "product" in body:
                body["product_code"] = body.pop("product")
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        access_log_record(
            request=request,
            event=Event.CREATE,
            part="referral passed on",
            clients=[passed.client_id],
            object_id=passed.pk,
        )
        return Response(PassedOnReferralSerializer(passed).data, status=status.HTTP_201_CREATED)
