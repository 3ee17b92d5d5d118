-- One current reading of connection use, for when no samples were taken during the run.
-- Shape: connections, active, max_connections, reserved_connections.
select count(*)::int as connections,
       (count(*) filter (where state = 'active'))::int as active,
       current_setting('max_connections')::int as max_connections,
       current_setting('superuser_reserved_connections')::int as reserved_connections
from pg_stat_activity
where backend_type = 'client backend' and pid <> pg_backend_pid();
