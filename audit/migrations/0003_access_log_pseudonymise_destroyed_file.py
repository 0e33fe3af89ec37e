"""The access log keeps its entries when a child's file is destroyed (Jeugdwet art. 7.3.9;
docs/decisions.md 93), but they point at the tombstone instead of the child.

The append-only trigger lets exactly one kind of UPDATE through: inside a transaction that
set `samen.audit_pseudonymise = 'on'` (SET LOCAL), and only when every column other than
client_ids, object_id and path is unchanged. DELETE stays refused, as does every other
UPDATE. The application role still has no UPDATE right on the table: it goes through
`audit_log_pseudonymise(client_id, log_id, label)`, a SECURITY DEFINER function that sets
the setting for its own transaction, rewrites the entries of that one child and sets it off
again (the grant to execute it is in samen/db.py, app_role_sync)."""

from django.db import migrations

ALLOW_PSEUDONYMISE = r"""
CREATE OR REPLACE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND coalesce(current_setting('samen.audit_pseudonymise', true), '') = 'on'
       AND (to_jsonb(NEW) - ARRAY['client_ids', 'object_id', 'path'])
           = (to_jsonb(OLD) - ARRAY['client_ids', 'object_id', 'path'])
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the access log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE FUNCTION audit_log_pseudonymise(old_id bigint, log_id bigint, label text)
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
    changed integer;
BEGIN
    IF old_id IS NULL OR old_id <= 0 OR log_id IS NULL OR log_id >= 0 THEN
        RAISE EXCEPTION 'a child''s id is replaced by a tombstone''s negative log id';
    END IF;
    IF label !~ '^V-[0-9]+$' THEN
        RAISE EXCEPTION 'the label is a tombstone reference (V-000123)';
    END IF;
    PERFORM set_config('samen.audit_pseudonymise', 'on', true);
    UPDATE audit_accesslogentry
    SET client_ids = array_replace(client_ids, old_id, log_id),
        object_id = CASE WHEN object_id = old_id THEN NULL ELSE object_id END,
        path = regexp_replace(path, '(^|/)' || old_id::text || '(?=/|$)', '\1' || label, 'g')
    WHERE client_ids @> ARRAY[old_id];
    GET DIAGNOSTICS changed = ROW_COUNT;
    PERFORM set_config('samen.audit_pseudonymise', 'off', true);
    RETURN changed;
END $$;
REVOKE ALL ON FUNCTION audit_log_pseudonymise(bigint, bigint, text) FROM PUBLIC;
"""

BACK = r"""
DROP FUNCTION audit_log_pseudonymise(bigint, bigint, text);
CREATE OR REPLACE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the access log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;
"""


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_text_limits_and_date_range")]

    operations = [migrations.RunSQL(ALLOW_PSEUDONYMISE, BACK)]
