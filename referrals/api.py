"""API: the products and the routes' status on a date (GET /api/v1/products/, /routes/)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from samen.dates import validate_date_in_range

from .models import Product
from .phasing import product_status, route_statuses


class DateQuerySerializer(serializers.Serializer):
    date = serializers.DateField(
        required=False,
        validators=[validate_date_in_range],
        help_text=_("YYYY-MM-DD; default today (Europe/Amsterdam)."),
    )

    def day(self):
        return self.validated_data.get("date") or timezone.localdate()


DATE_PARAMETER = OpenApiParameter(
    "date",
    OpenApiTypes.DATE,
    description="YYYY-MM-DD; default today (Europe/Amsterdam).",
    required=False,
)


class StatusOnDateSerializer(serializers.Serializer):
    date = serializers.DateField()
    in_basis_jeugdhulp = serializers.BooleanField()
    open_house_open = serializers.BooleanField()
    message = serializers.CharField()


class ProductSerializer(serializers.ModelSerializer):
    category_label = serializers.CharField()
    status = serializers.SerializerMethodField()

    class Meta:
        model = Product
        fields = (
            "code",
            "name",
            "category",
            "category_label",
            "moves_on",
            "open_house_closes_on",
            "status",
        )

    @extend_schema_field(StatusOnDateSerializer)
    def get_status(self, product) -> dict:
        day = self.context["day"]
        status = product_status(product, day)
        return StatusOnDateSerializer(
            {
                "date": day,
                "in_basis_jeugdhulp": status.in_basis_jeugdhulp,
                "open_house_open": status.open_house_open,
                "message": status.message,
            }
        ).data


class RouteStatusSerializer(serializers.Serializer):
    referrer_type = serializers.CharField(help_text=_("iJw code list COD327"))
    label = serializers.CharField()
    date = serializers.DateField()
    is_open = serializers.BooleanField()
    open_since = serializers.DateField(allow_null=True)
    planned_on = serializers.DateField(allow_null=True)
    message = serializers.CharField()


class ProductList(ListAPIView):
    """The 11 products and their status on `date`."""

    serializer_class = ProductSerializer
    pagination_class = None
    queryset = Product.objects.all()

    @extend_schema(parameters=[DATE_PARAMETER])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_serializer_context(self):
        query = DateQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return {**super().get_serializer_context(), "day": query.day()}


class RouteList(APIView):
    """Each referrer route's status on `date`: open or not, since when, and what to say."""

    @extend_schema(parameters=[DATE_PARAMETER], responses=RouteStatusSerializer(many=True))
    def get(self, request):
        query = DateQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        day = query.day()
        rows = [{**status.__dict__, "date": day} for status in route_statuses(day)]
        return Response(RouteStatusSerializer(rows, many=True).data)
