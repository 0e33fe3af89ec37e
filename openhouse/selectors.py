"""What the provider portal reads: always through Indication.objects.visible_to(user), so a
provider user sees its own provider's clients only."""

import datetime

from django.db.models import Count

from indications.models import Indication, ProviderNotice, Task

PAGE_SIZE = 25


def portal_indications(user, *, status: str = "", end_month: datetime.date | None = None):
    """The running indications of the provider's own clients, soonest end first, with the
    child's WIJ team (whom to call); filtered by status and by the month of the end date."""
    indications = (
        Indication.objects.visible_to(user)
        .running()
        .select_related("product", "client__team")
        .order_by("end_on", "id")
    )
    if status:
        indications = indications.filter(status=status)
    if end_month:
        indications = indications.filter(end_on__year=end_month.year, end_on__month=end_month.month)
    return indications


def portal_notices(user, limit: int = 20) -> list[ProviderNotice]:
    """Notices to the user's provider about its own clients, newest first, with the
    client's name: the provider's own notices (by their provider's index), each checked
    against the indications the user may see (issue 21: not every notice joined with the
    largest provider's 41,000 indications first)."""
    membership = getattr(user, "provider_membership", None)
    if membership is None:
        return []
    return list(
        ProviderNotice.objects.filter(
            provider_id=membership.provider_id,
            indication__in=Indication.objects.visible_to(user),
        )
        .select_related("indication__client", "indication__product")
        .order_by("-created_at", "-id")[:limit]
    )


def portal_stop_products(user) -> list[dict]:
    """After "Wij stoppen": the products of the running indications WIJ picks up (those with
    a pick-up task), with the number of indications for each."""
    return list(
        Indication.objects.visible_to(user)
        .filter(tasks__kind=Task.Kind.PROVIDER_STOPS)
        .values("product__code", "product__name")
        .annotate(indications=Count("id", distinct=True))
        .order_by("product__code")
    )
