"""Provider portal steps that change state."""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from indications.models import Indication

from .models import EndEvaluation
from .uploads import validate_pdf


@transaction.atomic
def end_evaluation_upload(*, indication: Indication, upload, user) -> EndEvaluation:
    """Store a new version of the end-evaluation (earlier versions stay). On time when
    uploaded at least 2 months before the end date."""
    original_name = validate_pdf(upload)
    # Lock the indication: two uploads at once must not get the same version number.
    Indication.objects.select_for_update().get(pk=indication.pk)
    latest = (
        EndEvaluation.objects.filter(indication=indication).aggregate(v=Max("version"))["v"] or 0
    )
    now = timezone.now()
    evaluation = EndEvaluation(
        indication=indication,
        version=latest + 1,
        original_name=original_name,
        uploaded_by=user,
        uploaded_at=now,
        on_time=timezone.localdate(now) <= indication.evaluation_due_on,
    )
    evaluation.document.save("evaluation", upload, save=False)
    evaluation._history_user = user
    evaluation.save()
    return evaluation
