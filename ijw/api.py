"""The API for a provider's message broker: iJw messages in (POST the XML), the
municipality's messages out (GET what is ready, then acknowledge each one), and one
message's state. See docs/ijw.md, "Transport".

Authentication: the API key of a provider user (accounts.authentication); its provider is
the only sender it may post for and the only receiver whose messages it sees
(`Message.objects.visible_to`). Every step calls the same service as the pages.

A message that was registered answers 201, also when it was rejected: it is in the
register and its retour (with the codes that say why) is in the answer; `accepted` tells
the two apart. Only input that is no message at all (not XML, not iJw) is refused with 400
and stored nowhere."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.parsers import BaseParser
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.services import Event, access_log_record, log_read
from openhouse.api import NOT_FOUND, IsProviderUser

from . import services, xml
from .models import Message

# The largest body read: the largest message the reader accepts (a message is a few KB).
MAX_BODY_BYTES = xml.MAX_MESSAGE_BYTES


class BodyTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"

    def __init__(self):
        super().__init__(
            _("The message is larger than %(size)s MB: no iJw message is that large.")
            % {"size": MAX_BODY_BYTES // 1_000_000}
        )


class XmlBodyParser(BaseParser):
    """The body as bytes, untouched (ijw.xml reads it safely); never more than
    MAX_BODY_BYTES is read: a larger Content-Length is refused before reading."""

    media_type = "application/xml"

    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {}).get("request")
        declared = request.META.get("CONTENT_LENGTH", "") if request is not None else ""
        if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
            raise BodyTooLarge()
        body = stream.read(MAX_BODY_BYTES + 1) if stream is not None else b""
        if len(body) > MAX_BODY_BYTES:
            raise BodyTooLarge()
        return body


class TextXmlBodyParser(XmlBodyParser):
    media_type = "text/xml"


class ProblemSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What is wrong, in Dutch.")


class XmlMessageSerializer(serializers.ModelSerializer):
    """A message as it goes over the line: the XML with what identifies it."""

    xml = serializers.CharField(source="raw", help_text="The iJw 3.2 message (XML).")

    class Meta:
        model = Message
        fields = ("id", "message_type", "identification", "dated_on", "xml")


class MessageSerializer(serializers.ModelSerializer):
    """One message in the register, in or out, with its state."""

    retour_codes = serializers.ListField(
        source="codes",
        child=serializers.CharField(),
        help_text="WJ001 codes: those we gave (in) or the provider's retour gave (out).",
    )
    in_reply_to = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    xml = serializers.CharField(source="raw")

    class Meta:
        model = Message
        fields = (
            "id",
            "direction",
            "message_type",
            "identification",
            "dated_on",
            "status",
            "retour_codes",
            "errors",
            "in_reply_to",
            "received_at",
            "picked_up_at",
            "xml",
        )


class ReceivedSerializer(serializers.Serializer):
    """What became of a message posted: registered (accepted or rejected) and our retour."""

    id = serializers.IntegerField(source="message.pk")
    message_type = serializers.CharField(source="message.message_type")
    identification = serializers.CharField(source="message.identification")
    status = serializers.ChoiceField(source="message.status", choices=Message.Status.choices)
    accepted = serializers.BooleanField(
        help_text="False: rejected; the retour's codes (and `errors`) say why."
    )
    retour_codes = serializers.ListField(source="message.codes", child=serializers.CharField())
    errors = serializers.CharField(source="message.errors")
    retour = serializers.SerializerMethodField()

    @extend_schema_field(XmlMessageSerializer(allow_null=True))
    def get_retour(self, received) -> dict | None:
        return XmlMessageSerializer(received.retour).data if received.retour else None


def _clients(messages) -> list[int]:
    return [m.client_id for m in messages if m.client_id]


class MessageReceive(APIView):
    """Post one iJw message (JW315, JW317, JW305, JW307, or the retour JW302/JW320 on our
    message) as the raw XML body. The sender in its header must be the API key's
    provider."""

    permission_classes = [IsProviderUser]
    parser_classes = [XmlBodyParser, TextXmlBodyParser]

    @extend_schema(
        operation_id="ijw_message_receive",
        request={"application/xml": OpenApiTypes.STR, "text/xml": OpenApiTypes.STR},
        responses={
            201: OpenApiResponse(
                ReceivedSerializer,
                description="Registered: accepted, or rejected with the retour that says why.",
            ),
            400: OpenApiResponse(
                ProblemSerializer, description="No iJw message (not XML, not iJw): nothing stored."
            ),
            403: OpenApiResponse(
                ProblemSerializer,
                description="Not a provider's key, or the sender is another organisation: "
                "nothing stored.",
            ),
            413: OpenApiResponse(ProblemSerializer, description="Larger than 1 MB."),
            415: OpenApiResponse(ProblemSerializer, description="Not application/xml."),
        },
    )
    def post(self, request):
        membership = getattr(request.user, "provider_membership", None)
        if membership is None:
            raise exceptions.PermissionDenied()
        raw = request.data if isinstance(request.data, bytes) else b""
        try:
            received = services.message_receive(
                raw=raw, user=request.user, provider=membership.provider
            )
        except services.SenderMismatch as exc:
            return Response({"detail": " ".join(exc.messages)}, status=status.HTTP_403_FORBIDDEN)
        except DjangoValidationError as exc:
            return Response({"detail": " ".join(exc.messages)}, status=status.HTTP_400_BAD_REQUEST)
        access_log_record(
            request=request,
            event=Event.CREATE,
            part="ijw message (API)",
            clients=_clients([received.message]),
            object_id=received.message.pk,
        )
        body = ReceivedSerializer(received).data
        return Response(body, status=status.HTTP_201_CREATED)


class OutgoingList(ListAPIView):
    """The municipality's messages for the caller's provider that wait to be picked up
    (status `ready`), oldest first. Listing marks nothing: acknowledge each message with
    `picked-up` once it is safely passed on; until then it stays in this list."""

    serializer_class = XmlMessageSerializer
    permission_classes = [IsProviderUser]

    def get_queryset(self):
        return (
            Message.objects.visible_to(self.request.user)
            .filter(direction=Message.Direction.OUT, status=Message.Status.READY)
            .order_by("received_at", "id")
        )

    @extend_schema(operation_id="ijw_messages_outgoing")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        clients = _clients(page or [])
        if clients:
            log_read(self.request, "ijw messages out (API)", clients)
        return page


def _own(request, pk):
    return Message.objects.visible_to(request.user).filter(pk=pk)


class MessagePickedUp(APIView):
    """Acknowledge that an outgoing message was received by the broker: it is `sent` and
    leaves the outgoing list. Again for the same message: the same answer."""

    permission_classes = [IsProviderUser]

    @extend_schema(
        operation_id="ijw_message_picked_up",
        request=None,
        responses={200: MessageSerializer},
    )
    def post(self, request, pk):
        with transaction.atomic():
            # Locked: a retour on this message (JW302/JW320, confirmed) may come in at the
            # same moment; it must not be set back to `sent`.
            message = (
                _own(request, pk)
                .filter(direction=Message.Direction.OUT)
                .select_for_update()
                .first()
            )
            if message is None:
                return Response(NOT_FOUND, status=status.HTTP_404_NOT_FOUND)
            services.message_picked_up(message)
        if message.client_id:
            log_read(request, "ijw message (API)", [message.client_id], object_id=message.pk)
        return Response(MessageSerializer(message).data)


class MessageDetail(APIView):
    """One of the caller's messages, in or out: its state, retour codes and XML."""

    permission_classes = [IsProviderUser]

    @extend_schema(operation_id="ijw_message", responses={200: MessageSerializer})
    def get(self, request, pk):
        message = _own(request, pk).first()
        if message is None:
            return Response(NOT_FOUND, status=status.HTTP_404_NOT_FOUND)
        if message.client_id:
            log_read(request, "ijw message (API)", [message.client_id], object_id=message.pk)
        return Response(MessageSerializer(message).data)
