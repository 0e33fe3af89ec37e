"""The triage form as a browser posts it: the triage's own fields and one outcome per child
of the request (formset prefix `children`), confirmed unless told."""

CHILD_FIELDS = (
    "outcome",
    "intensity",
    "other_route",
    "provider",
    "provider_contacted_on",
    "wij_role",
)


def triage_data(request, worker, *, held_on, children=None, confirm=True, **changes) -> dict:
    """`children`: a list of dicts, one per child in the form's order (date of birth);
    without it, the child fields among `changes` apply to every child. A None value leaves
    a field out."""
    clients = list(request.clients.order_by("date_of_birth", "pk"))
    child_defaults = {"outcome": "basis_wij", "intensity": "basic"}
    child_defaults.update({k: changes.pop(k) for k in CHILD_FIELDS if k in changes})
    data = {
        "version": request.version,
        "held_on": held_on,
        "workers": [worker.pk],
        "life_domains": ["upbringing", "school"],
        "child_heard": "on",
        "children-TOTAL_FORMS": len(clients),
        "children-INITIAL_FORMS": len(clients),
        "children-MIN_NUM_FORMS": 1,
        "children-MAX_NUM_FORMS": 50,
    }
    for index, client in enumerate(clients):
        fields = dict(child_defaults)
        if children is not None:
            fields = {"outcome": "basis_wij", "intensity": "basic", **children[index]}
        fields.setdefault("client", client.pk)
        for name, value in fields.items():
            data[f"children-{index}-{name}"] = value
    data.update(changes)
    if confirm:
        data["confirm"] = "1"
    return {k: v for k, v in data.items() if v is not None}
