"""`audit_log_pseudonymise` rewrites a child's access-log entries only when the child is
really gone and the tombstone it points at exists under that reference (review of issue 20):
the application role cannot use it to move a living child's entries anywhere else."""

from django.db import migrations

GUARDED = r"""
CREATE OR REPLACE FUNCTION audit_log_pseudonymise(old_id bigint, log_id bigint, label text)
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
    changed integer;
BEGIN
    IF old_id IS NULL OR old_id <= 0 OR log_id IS NULL OR log_id >= 0 THEN
        RAISE EXCEPTION 'a child''s id is replaced by a tombstone''s negative log id';
    END IF;
    IF EXISTS (SELECT 1 FROM intake_client WHERE id = old_id) THEN
        RAISE EXCEPTION 'the child % still exists: only a destroyed file''s entries move', old_id;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM rights_tombstone WHERE id = -log_id)
       OR label IS DISTINCT FROM 'V-' || lpad((-log_id)::text, 6, '0') THEN
        RAISE EXCEPTION 'the entries move only to an existing tombstone under its reference';
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
"""

UNGUARDED = r"""
CREATE OR REPLACE FUNCTION audit_log_pseudonymise(old_id bigint, log_id bigint, label text)
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
"""


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_access_log_pseudonymise_destroyed_file"),
        ("rights", "0001_initial"),
    ]

    operations = [migrations.RunSQL(GUARDED, UNGUARDED)]
