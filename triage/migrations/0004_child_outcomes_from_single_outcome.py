"""Every existing triage gets one outcome per child of its request, carried over from its
single outcome with the meaning kept (`legacy`): the outcome, the intensity for a WIJ
outcome (a referral had none), WIJ's role Basis jeugdhulp for a WIJ outcome and none
otherwise, the other route. The provider stays the free text on the triage. No trajectory
is made for them: those requests closed as "triage done, help arranged" and keep that."""

from django.db import migrations

WIJ_OUTCOMES = ("basis_wij", "reindication_wij")


def carry_over(apps, schema_editor):
    Triage = apps.get_model("triage", "Triage")
    ChildOutcome = apps.get_model("triage", "ChildOutcome")
    SupportRequestClients = apps.get_model("intake", "SupportRequest").clients.through
    clients_of = {}
    for link in SupportRequestClients.objects.order_by("client_id").values_list(
        "supportrequest_id", "client_id"
    ):
        clients_of.setdefault(link[0], []).append(link[1])
    have = set(ChildOutcome.objects.values_list("triage_id", "client_id"))
    rows = []
    for triage in Triage.objects.order_by("pk").iterator():
        wij = triage.outcome in WIJ_OUTCOMES
        for client_id in clients_of.get(triage.support_request_id, []):
            if (triage.pk, client_id) in have:
                continue
            rows.append(
                ChildOutcome(
                    triage_id=triage.pk,
                    client_id=client_id,
                    outcome=triage.outcome,
                    intensity=triage.intensity if wij else "",
                    wij_role="basis" if wij else "",
                    other_route=triage.other_route if triage.outcome == "other_route" else "",
                    legacy=True,
                )
            )
    ChildOutcome.objects.bulk_create(rows, batch_size=1000)


def remove_carried_over(apps, schema_editor):
    apps.get_model("triage", "ChildOutcome").objects.filter(legacy=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0009_close_reason_to_trajectory"),
        ("triage", "0003_child_outcomes"),
    ]

    operations = [migrations.RunPython(carry_over, remove_carried_over)]
