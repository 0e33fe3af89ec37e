"""API for providers' own systems: their indications, and uploading an end-evaluation.
Authentication: a token (DRF) of a provider user, so every token acts for exactly one
provider organisation; the same `visible_to` as the portal decides what it may see."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.services import Event, access_log_record, log_read
from indications.models import Indication
from samen.roles import PROVIDER, user_has_role

from . import services
from .models import EndEvaluation
from .uploads import too_large_message, upload_was_too_large


class IsProviderUser(BasePermission):
    def has_permission(self, request, view):
        return user_has_role(request.user, PROVIDER)


class EndEvaluationSerializer(serializers.ModelSerializer):
    class Meta:
        model = EndEvaluation
        fields = ("id", "version", "original_name", "uploaded_at", "on_time")


class IndicationSerializer(serializers.ModelSerializer):
    client_name = serializers.CharField(source="client.full_name")
    client_date_of_birth = serializers.DateField(source="client.date_of_birth")
    product_code = serializers.CharField(source="product.code")
    end_evaluations = EndEvaluationSerializer(many=True)

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
            "evaluation_due_on",
            "end_evaluations",
        )


class IndicationList(ListAPIView):
    """The caller's own clients' indications (and only those)."""

    serializer_class = IndicationSerializer
    permission_classes = [IsProviderUser]

    def get_queryset(self):
        return (
            Indication.objects.visible_to(self.request.user)
            .select_related("client", "product")
            .prefetch_related("end_evaluations")
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
