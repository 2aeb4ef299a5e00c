"""ClickHouse's privilege catalog, as clickhousedbops 1.11.2 embeds it (internal/grants/grants.tsv).

That file is ClickHouse's tests/queries/0_stateless/01271_show_privileges.reference: one row per
privilege with its aliases, its scope (None: a group with no scope of its own) and its parent group.
The provider accepts a privilege_name that is a privilege, an alias or a group (OneOf), then refuses
aliases and target attributes the privilege's scope cannot take (grantprivilege.go validateScope).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

Row = tuple[str, tuple[str, ...], str | None, str | None]

CATALOG: tuple[Row, ...] = (
    ("SHOW DATABASES", (), "DATABASE", "SHOW"),
    ("SHOW TABLES", (), "TABLE", "SHOW"),
    ("CHECK", (), "TABLE", "ALL"),
    ("SHOW COLUMNS", (), "COLUMN", "SHOW"),
    ("SHOW DICTIONARIES", (), "DICTIONARY", "SHOW"),
    ("SHOW", (), None, "ALL"),
    ("SHOW FILESYSTEM CACHES", (), None, "ALL"),
    ("SELECT", (), "COLUMN", "ALL"),
    ("INSERT", (), "COLUMN", "ALL"),
    ("ALTER UPDATE", ("UPDATE",), "COLUMN", "ALTER TABLE"),
    ("ALTER DELETE", ("DELETE",), "COLUMN", "ALTER TABLE"),
    ("ALTER ADD COLUMN", ("ADD COLUMN",), "COLUMN", "ALTER COLUMN"),
    ("ALTER MODIFY COLUMN", ("MODIFY COLUMN",), "COLUMN", "ALTER COLUMN"),
    ("ALTER DROP COLUMN", ("DROP COLUMN",), "COLUMN", "ALTER COLUMN"),
    ("ALTER COMMENT COLUMN", ("COMMENT COLUMN",), "COLUMN", "ALTER COLUMN"),
    ("ALTER CLEAR COLUMN", ("CLEAR COLUMN",), "COLUMN", "ALTER COLUMN"),
    ("ALTER RENAME COLUMN", ("RENAME COLUMN",), "COLUMN", "ALTER COLUMN"),
    ("ALTER MATERIALIZE COLUMN", ("MATERIALIZE COLUMN",), "COLUMN", "ALTER COLUMN"),
    ("ALTER COLUMN", (), None, "ALTER TABLE"),
    ("ALTER MODIFY COMMENT", ("MODIFY COMMENT",), "TABLE", "ALTER TABLE"),
    ("ALTER MODIFY DATABASE COMMENT", ("MODIFY DATABASE COMMENT",), "DATABASE", "ALTER DATABASE"),
    ("ALTER ORDER BY", ("ALTER MODIFY ORDER BY", "MODIFY ORDER BY"), "TABLE", "ALTER INDEX"),
    ("ALTER SAMPLE BY", ("ALTER MODIFY SAMPLE BY", "MODIFY SAMPLE BY"), "TABLE", "ALTER INDEX"),
    ("ALTER ADD INDEX", ("ADD INDEX",), "TABLE", "ALTER INDEX"),
    ("ALTER DROP INDEX", ("DROP INDEX",), "TABLE", "ALTER INDEX"),
    ("ALTER MATERIALIZE INDEX", ("MATERIALIZE INDEX",), "TABLE", "ALTER INDEX"),
    ("ALTER CLEAR INDEX", ("CLEAR INDEX",), "TABLE", "ALTER INDEX"),
    ("ALTER INDEX", ("INDEX",), None, "ALTER TABLE"),
    ("ALTER ADD STATISTICS", ("ALTER ADD STATISTIC",), "TABLE", "ALTER STATISTICS"),
    ("ALTER DROP STATISTICS", ("ALTER DROP STATISTIC",), "TABLE", "ALTER STATISTICS"),
    ("ALTER MODIFY STATISTICS", ("ALTER MODIFY STATISTIC",), "TABLE", "ALTER STATISTICS"),
    ("ALTER MATERIALIZE STATISTICS", ("ALTER MATERIALIZE STATISTIC",), "TABLE", "ALTER STATISTICS"),
    ("ALTER STATISTICS", ("STATISTIC",), None, "ALTER TABLE"),
    ("ALTER ADD PROJECTION", ("ADD PROJECTION",), "TABLE", "ALTER PROJECTION"),
    ("ALTER DROP PROJECTION", ("DROP PROJECTION",), "TABLE", "ALTER PROJECTION"),
    ("ALTER MATERIALIZE PROJECTION", ("MATERIALIZE PROJECTION",), "TABLE", "ALTER PROJECTION"),
    ("ALTER CLEAR PROJECTION", ("CLEAR PROJECTION",), "TABLE", "ALTER PROJECTION"),
    ("ALTER PROJECTION", ("PROJECTION",), None, "ALTER TABLE"),
    ("ALTER ADD CONSTRAINT", ("ADD CONSTRAINT",), "TABLE", "ALTER CONSTRAINT"),
    ("ALTER DROP CONSTRAINT", ("DROP CONSTRAINT",), "TABLE", "ALTER CONSTRAINT"),
    ("ALTER MODIFY CONSTRAINT", ("MODIFY CONSTRAINT",), "TABLE", "ALTER CONSTRAINT"),
    ("ALTER CONSTRAINT", ("CONSTRAINT",), None, "ALTER TABLE"),
    ("ALTER TTL", ("ALTER MODIFY TTL", "MODIFY TTL"), "TABLE", "ALTER TABLE"),
    ("ALTER MATERIALIZE TTL", ("MATERIALIZE TTL",), "TABLE", "ALTER TABLE"),
    ("ALTER REWRITE PARTS", ("REWRITE PARTS",), "TABLE", "ALTER TABLE"),
    (
        "ALTER SETTINGS",
        ("ALTER SETTING", "ALTER MODIFY SETTING", "MODIFY SETTING", "RESET SETTING"),
        "TABLE",
        "ALTER TABLE",
    ),
    (
        "ALTER MOVE PARTITION",
        ("ALTER MOVE PART", "MOVE PARTITION", "MOVE PART"),
        "TABLE",
        "ALTER TABLE",
    ),
    ("ALTER FETCH PARTITION", ("ALTER FETCH PART", "FETCH PARTITION"), "TABLE", "ALTER TABLE"),
    ("ALTER FREEZE PARTITION", ("FREEZE PARTITION", "UNFREEZE"), "TABLE", "ALTER TABLE"),
    ("ALTER UNLOCK SNAPSHOT", ("UNLOCK SNAPSHOT",), "TABLE", "ALTER TABLE"),
    ("ALTER EXECUTE", ("ALTER TABLE EXECUTE",), "TABLE", "ALTER TABLE"),
    (
        "ALTER DATABASE SETTINGS",
        ("ALTER DATABASE SETTING", "ALTER MODIFY DATABASE SETTING", "MODIFY DATABASE SETTING"),
        "DATABASE",
        "ALTER DATABASE",
    ),
    ("ALTER NAMED COLLECTION", (), "NAMED_COLLECTION", "NAMED COLLECTION ADMIN"),
    ("ALTER TABLE", (), None, "ALTER"),
    ("ALTER DATABASE", (), None, "ALTER"),
    ("ALTER VIEW MODIFY QUERY", ("ALTER TABLE MODIFY QUERY",), "VIEW", "ALTER VIEW"),
    ("ALTER VIEW MODIFY REFRESH", ("ALTER TABLE MODIFY QUERY",), "VIEW", "ALTER VIEW"),
    ("ALTER VIEW MODIFY SQL SECURITY", ("ALTER TABLE MODIFY SQL SECURITY",), "VIEW", "ALTER VIEW"),
    ("ALTER VIEW", (), None, "ALTER"),
    ("ALTER", (), None, "ALL"),
    ("CREATE DATABASE", (), "DATABASE", "CREATE"),
    ("CREATE TABLE", (), "TABLE", "CREATE"),
    ("CREATE VIEW", (), "VIEW", "CREATE"),
    ("CREATE DICTIONARY", (), "DICTIONARY", "CREATE"),
    ("CREATE TEMPORARY TABLE", (), "GLOBAL", "CREATE ARBITRARY TEMPORARY TABLE"),
    ("CREATE ARBITRARY TEMPORARY TABLE", (), "GLOBAL", "CREATE"),
    ("CREATE TEMPORARY VIEW", (), "GLOBAL", "CREATE"),
    ("CREATE FUNCTION", (), "GLOBAL", "CREATE"),
    ("CREATE WORKLOAD", (), "GLOBAL", "CREATE"),
    ("CREATE RESOURCE", (), "GLOBAL", "CREATE"),
    ("CREATE NAMED COLLECTION", (), "NAMED_COLLECTION", "NAMED COLLECTION ADMIN"),
    ("CREATE", (), None, "ALL"),
    ("DROP DATABASE", (), "DATABASE", "DROP"),
    ("DROP TABLE", (), "TABLE", "DROP"),
    ("DROP VIEW", (), "VIEW", "DROP"),
    ("DROP DICTIONARY", (), "DICTIONARY", "DROP"),
    ("DROP FUNCTION", (), "GLOBAL", "DROP"),
    ("DROP WORKLOAD", (), "GLOBAL", "DROP"),
    ("DROP RESOURCE", (), "GLOBAL", "DROP"),
    ("DROP NAMED COLLECTION", (), "NAMED_COLLECTION", "NAMED COLLECTION ADMIN"),
    ("DROP", (), None, "ALL"),
    ("UNDROP TABLE", (), "TABLE", "ALL"),
    ("TRUNCATE", ("TRUNCATE TABLE",), "TABLE", "ALL"),
    ("OPTIMIZE", ("OPTIMIZE TABLE",), "TABLE", "ALL"),
    ("BACKUP", (), "TABLE", "ALL"),
    ("KILL QUERY", (), "GLOBAL", "ALL"),
    ("KILL TRANSACTION", (), "GLOBAL", "ALL"),
    ("MOVE PARTITION BETWEEN SHARDS", (), "GLOBAL", "ALL"),
    ("CREATE USER", (), "USER_NAME", "ACCESS MANAGEMENT"),
    ("ALTER USER", (), "USER_NAME", "ACCESS MANAGEMENT"),
    ("DROP USER", (), "USER_NAME", "ACCESS MANAGEMENT"),
    ("CREATE ROLE", (), "USER_NAME", "ACCESS MANAGEMENT"),
    ("ALTER ROLE", (), "USER_NAME", "ACCESS MANAGEMENT"),
    ("DROP ROLE", (), "USER_NAME", "ACCESS MANAGEMENT"),
    ("ROLE ADMIN", (), "GLOBAL", "ACCESS MANAGEMENT"),
    ("CREATE ROW POLICY", ("CREATE POLICY",), "TABLE", "ACCESS MANAGEMENT"),
    ("ALTER ROW POLICY", ("ALTER POLICY",), "TABLE", "ACCESS MANAGEMENT"),
    ("DROP ROW POLICY", ("DROP POLICY",), "TABLE", "ACCESS MANAGEMENT"),
    ("CREATE MASKING POLICY", (), "GLOBAL", "ACCESS MANAGEMENT"),
    ("ALTER MASKING POLICY", (), "GLOBAL", "ACCESS MANAGEMENT"),
    ("DROP MASKING POLICY", (), "GLOBAL", "ACCESS MANAGEMENT"),
    ("CREATE QUOTA", (), "GLOBAL", "ACCESS MANAGEMENT"),
    ("ALTER QUOTA", (), "GLOBAL", "ACCESS MANAGEMENT"),
    ("DROP QUOTA", (), "GLOBAL", "ACCESS MANAGEMENT"),
    ("CREATE SETTINGS PROFILE", ("CREATE PROFILE",), "GLOBAL", "ACCESS MANAGEMENT"),
    ("ALTER SETTINGS PROFILE", ("ALTER PROFILE",), "GLOBAL", "ACCESS MANAGEMENT"),
    ("DROP SETTINGS PROFILE", ("DROP PROFILE",), "GLOBAL", "ACCESS MANAGEMENT"),
    (
        "ALLOW SQL SECURITY NONE",
        ("CREATE SQL SECURITY NONE", "SQL SECURITY NONE", "SECURITY NONE"),
        "GLOBAL",
        "ACCESS MANAGEMENT",
    ),
    ("SHOW USERS", ("SHOW CREATE USER",), "GLOBAL", "SHOW ACCESS"),
    ("SHOW ROLES", ("SHOW CREATE ROLE",), "GLOBAL", "SHOW ACCESS"),
    (
        "SHOW ROW POLICIES",
        ("SHOW POLICIES", "SHOW CREATE ROW POLICY", "SHOW CREATE POLICY"),
        "TABLE",
        "SHOW ACCESS",
    ),
    ("SHOW QUOTAS", ("SHOW CREATE QUOTA",), "GLOBAL", "SHOW ACCESS"),
    (
        "SHOW SETTINGS PROFILES",
        ("SHOW PROFILES", "SHOW CREATE SETTINGS PROFILE", "SHOW CREATE PROFILE"),
        "GLOBAL",
        "SHOW ACCESS",
    ),
    ("SHOW MASKING POLICIES", ("SHOW CREATE MASKING POLICY",), "GLOBAL", "SHOW ACCESS"),
    ("SHOW ACCESS", (), None, "ACCESS MANAGEMENT"),
    ("IMPERSONATE", ("EXECUTE AS",), "USER_NAME", "ACCESS MANAGEMENT"),
    ("ACCESS MANAGEMENT", (), None, "ALL"),
    ("SHOW NAMED COLLECTIONS", (), "NAMED_COLLECTION", "NAMED COLLECTION ADMIN"),
    ("SHOW NAMED COLLECTIONS SECRETS", (), "NAMED_COLLECTION", "NAMED COLLECTION ADMIN"),
    (
        "NAMED COLLECTION",
        ("NAMED COLLECTION USAGE", "USE NAMED COLLECTION"),
        "NAMED_COLLECTION",
        "NAMED COLLECTION ADMIN",
    ),
    ("NAMED COLLECTION ADMIN", ("NAMED COLLECTION CONTROL",), "NAMED_COLLECTION", "ALL"),
    ("SET DEFINER", (), "DEFINER", "ALL"),
    ("TABLE ENGINE", (), "TABLE_ENGINE", "ALL"),
    ("SYSTEM SHUTDOWN", ("SYSTEM KILL", "SHUTDOWN"), "GLOBAL", "SYSTEM"),
    (
        "SYSTEM DROP DNS CACHE",
        ("SYSTEM CLEAR DNS CACHE", "SYSTEM DROP DNS", "DROP DNS CACHE", "DROP DNS"),
        "GLOBAL",
        "SYSTEM DROP CACHE",
    ),
    (
        "SYSTEM DROP CONNECTIONS CACHE",
        ("SYSTEM CLEAR CONNECTIONS CACHE", "DROP CONNECTIONS CACHE"),
        "GLOBAL",
        "SYSTEM DROP CACHE",
    ),
    (
        "SYSTEM PREWARM MARK CACHE",
        ("SYSTEM PREWARM MARK", "PREWARM MARK CACHE", "PREWARM MARKS"),
        "GLOBAL",
        "SYSTEM DROP CACHE",
    ),
    (
        "SYSTEM DROP MARK CACHE",
        ("SYSTEM CLEAR MARK CACHE", "SYSTEM DROP MARK", "DROP MARK CACHE", "DROP MARKS"),
        "GLOBAL",
        "SYSTEM DROP CACHE",
    ),
    (
        "SYSTEM DROP ICEBERG METADATA CACHE",
        ("SYSTEM CLEAR ICEBERG_METADATA_CACHE", "SYSTEM DROP ICEBERG_METADATA_CACHE"),
        "GLOBAL",
        "SYSTEM DROP CACHE",
    ),
    (
        "SYSTEM DROP PAIMON METADATA CACHE",
        ("SYSTEM CLEAR PAIMON_METADATA_CACHE", "SYSTEM DROP PAIMON_METADATA_CACHE"),
        "GLOBAL",
        "SYSTEM DROP CACHE",
    ),
    (
        "SYSTEM DROP AVRO SCHEMA CACHE",
        ("SYSTEM CLEAR AVRO SCHEMA CACHE", "DROP AVRO SCHEMA CACHE"),
        "GLOBAL",
        "SYSTEM DROP CACHE",
    ),
    (
        "SYSTEM DROP PARQUET METADATA CACHE",
        ("SYSTEM DROP PARQUET_METADATA_CACHE",),
        "GLOBAL",
        "SYSTEM DROP CACHE",
    ),
    (
        "SYSTEM DROP POINT IN POLYGON CACHE",
        ("SYSTEM CLEAR POINT IN POLYGON CACHE", "DROP POINT IN POLYGON CACHE"),
        "GLOBAL",
        "SYSTEM DROP CACHE",
    ),
    (
        "SYSTEM PREWARM PRIMARY INDEX CACHE",
        ("SYSTEM PREWARM PRIMARY INDEX", "PREWARM PRIMARY INDEX CACHE", "PREWARM PRIMARY INDEX"),
        "GLOBAL",
        "SYSTEM DROP CACHE",
    ),
    (
        "SYSTEM DROP PRIMARY INDEX CACHE",
        (
            "SYSTEM CLEAR PRIMARY INDEX CACHE",
            "SYSTEM DROP PRIMARY INDEX",
            "DROP PRIMARY INDEX CACHE",
            "DROP PRIMARY INDEX",
        ),
        "GLOBAL",
        "SYSTEM DROP CACHE",
    ),
    (
        "SYSTEM DROP UNCOMPRESSED CACHE",
        (
            "SYSTEM CLEAR UNCOMPRESSED CACHE",
            "SYSTEM DROP UNCOMPRESSED",
            "DROP UNCOMPRESSED CACHE",
            "DROP UNCOMPRESSED",
        ),
        "GLOBAL",
        "SYSTEM DROP CACHE",
    ),
    (
        "SYSTEM DROP VECTOR SIMILARITY INDEX CACHE",
        ("SYSTEM CLEAR VECTOR SIMILARITY INDEX CACHE", "DROP VECTOR SIMILARITY INDEX CACHE"),
        "GLOBAL",
        "SYSTEM DROP CACHE",
    ),
    (
        "SYSTEM DROP TEXT INDEX TOKENS CACHE",
        ("SYSTEM CLEAR TEXT INDEX TOKENS CACHE", "DROP TEXT INDEX TOKENS CACHE"),
        "GLOBAL",
        "SYSTEM DROP CACHE",
    ),
    (
        "SYSTEM DROP TEXT INDEX HEADER CACHE",
        ("SYSTEM CLEAR TEXT INDEX HEADER CACHE", "DROP TEXT INDEX HEADER CACHE"),
        "GLOBAL",
        "SYSTEM DROP CACHE",
    ),
    (
        "SYSTEM DROP TEXT INDEX POSTINGS CACHE",
        ("SYSTEM CLEAR TEXT INDEX POSTINGS CACHE", "DROP TEXT INDEX POSTINGS CACHE"),
        "GLOBAL",
        "SYSTEM DROP CACHE",
    ),
    (
        "SYSTEM DROP TEXT INDEX CACHES",
        ("SYSTEM CLEAR TEXT INDEX CACHES", "DROP TEXT INDEX CACHES"),
        "GLOBAL",
        "SYSTEM DROP CACHE",
    ),
    (
        "SYSTEM DROP MMAP CACHE",
        ("SYSTEM CLEAR MMAP CACHE", "SYSTEM DROP MMAP", "DROP MMAP CACHE", "DROP MMAP"),
        "GLOBAL",
        "SYSTEM DROP CACHE",
    ),
    (
        "SYSTEM DROP QUERY CONDITION CACHE",
        (
            "SYSTEM CLEAR QUERY CONDITION CACHE",
            "SYSTEM DROP QUERY CONDITION",
            "DROP QUERY CONDITION CACHE",
            "DROP QUERY CONDITION",
        ),
        "GLOBAL",
        "SYSTEM DROP CACHE",
    ),
    (
        "SYSTEM DROP ENCRYPTION HEADERS CACHE",
        (
            "SYSTEM CLEAR ENCRYPTION HEADERS CACHE",
            "SYSTEM DROP ENCRYPTION HEADERS",
            "DROP ENCRYPTION HEADERS CACHE",
            "DROP ENCRYPTION HEADERS",
        ),
        "GLOBAL",
        "SYSTEM DROP CACHE",
    ),
    (
        "SYSTEM DROP QUERY CACHE",
        ("SYSTEM CLEAR QUERY CACHE", "SYSTEM DROP QUERY", "DROP QUERY CACHE", "DROP QUERY"),
        "GLOBAL",
        "SYSTEM DROP CACHE",
    ),
    (
        "SYSTEM DROP COMPILED EXPRESSION CACHE",
        (
            "SYSTEM CLEAR COMPILED EXPRESSION CACHE",
            "SYSTEM DROP COMPILED EXPRESSION",
            "DROP COMPILED EXPRESSION CACHE",
            "DROP COMPILED EXPRESSIONS",
        ),
        "GLOBAL",
        "SYSTEM DROP CACHE",
    ),
    (
        "SYSTEM DROP FILESYSTEM CACHE",
        ("SYSTEM CLEAR FILESYSTEM CACHE", "DROP FILESYSTEM CACHE"),
        "GLOBAL",
        "SYSTEM DROP CACHE",
    ),
    (
        "SYSTEM DROP DISTRIBUTED CACHE",
        ("SYSTEM CLEAR DISTRIBUTED CACHE", "DROP DISTRIBUTED CACHE"),
        "GLOBAL",
        "SYSTEM DROP CACHE",
    ),
    (
        "SYSTEM SYNC FILESYSTEM CACHE",
        ("SYSTEM REPAIR FILESYSTEM CACHE", "REPAIR FILESYSTEM CACHE", "SYNC FILESYSTEM CACHE"),
        "GLOBAL",
        "SYSTEM",
    ),
    (
        "SYSTEM DROP PAGE CACHE",
        ("SYSTEM CLEAR PAGE CACHE", "DROP PAGE CACHE"),
        "GLOBAL",
        "SYSTEM DROP CACHE",
    ),
    (
        "SYSTEM DROP SCHEMA CACHE",
        ("SYSTEM CLEAR SCHEMA CACHE", "DROP SCHEMA CACHE"),
        "GLOBAL",
        "SYSTEM DROP CACHE",
    ),
    (
        "SYSTEM DROP FORMAT SCHEMA CACHE",
        ("SYSTEM CLEAR FORMAT SCHEMA CACHE", "DROP FORMAT SCHEMA CACHE"),
        "GLOBAL",
        "SYSTEM DROP CACHE",
    ),
    (
        "SYSTEM DROP S3 CLIENT CACHE",
        ("SYSTEM CLEAR S3 CLIENT CACHE", "SYSTEM DROP S3 CLIENT", "DROP S3 CLIENT CACHE"),
        "GLOBAL",
        "SYSTEM DROP CACHE",
    ),
    ("SYSTEM DROP CACHE", ("DROP CACHE",), None, "SYSTEM"),
    ("SYSTEM RELOAD CONFIG", ("RELOAD CONFIG",), "GLOBAL", "SYSTEM RELOAD"),
    ("SYSTEM RELOAD USERS", ("RELOAD USERS",), "GLOBAL", "SYSTEM RELOAD"),
    (
        "SYSTEM RELOAD DICTIONARY",
        (
            "SYSTEM RELOAD DICTIONARIES",
            "RELOAD DICTIONARY",
            "RELOAD DICTIONARIES",
            "SYSTEM UNLOAD DICTIONARY",
            "SYSTEM UNLOAD DICTIONARIES",
            "UNLOAD DICTIONARY",
            "UNLOAD DICTIONARIES",
        ),
        "GLOBAL",
        "SYSTEM RELOAD",
    ),
    (
        "SYSTEM RELOAD MODEL",
        ("SYSTEM RELOAD MODELS", "RELOAD MODEL", "RELOAD MODELS"),
        "GLOBAL",
        "SYSTEM RELOAD",
    ),
    (
        "SYSTEM RELOAD FUNCTION",
        ("SYSTEM RELOAD FUNCTIONS", "RELOAD FUNCTION", "RELOAD FUNCTIONS"),
        "GLOBAL",
        "SYSTEM RELOAD",
    ),
    (
        "SYSTEM RELOAD EMBEDDED DICTIONARIES",
        ("RELOAD EMBEDDED DICTIONARIES",),
        "GLOBAL",
        "SYSTEM RELOAD",
    ),
    (
        "SYSTEM RELOAD ASYNCHRONOUS METRICS",
        ("RELOAD ASYNCHRONOUS METRICS",),
        "GLOBAL",
        "SYSTEM RELOAD",
    ),
    ("SYSTEM RECONNECT ZOOKEEPER", ("RECONNECT ZOOKEEPER",), "GLOBAL", "SYSTEM"),
    ("SYSTEM RELOAD", (), None, "SYSTEM"),
    ("SYSTEM RESTART DISK", (), "GLOBAL", "SYSTEM"),
    ("SYSTEM WAIT BLOBS CLEANUP", (), "GLOBAL", "SYSTEM"),
    (
        "SYSTEM MERGES",
        ("SYSTEM STOP MERGES", "SYSTEM START MERGES", "STOP MERGES", "START MERGES"),
        "TABLE",
        "SYSTEM",
    ),
    (
        "SYSTEM TTL MERGES",
        (
            "SYSTEM STOP TTL MERGES",
            "SYSTEM START TTL MERGES",
            "STOP TTL MERGES",
            "START TTL MERGES",
        ),
        "TABLE",
        "SYSTEM",
    ),
    (
        "SYSTEM FETCHES",
        ("SYSTEM STOP FETCHES", "SYSTEM START FETCHES", "STOP FETCHES", "START FETCHES"),
        "TABLE",
        "SYSTEM",
    ),
    (
        "SYSTEM MOVES",
        ("SYSTEM STOP MOVES", "SYSTEM START MOVES", "STOP MOVES", "START MOVES"),
        "TABLE",
        "SYSTEM",
    ),
    (
        "SYSTEM PULLING REPLICATION LOG",
        ("SYSTEM STOP PULLING REPLICATION LOG", "SYSTEM START PULLING REPLICATION LOG"),
        "TABLE",
        "SYSTEM",
    ),
    ("SYSTEM CLEANUP", ("SYSTEM STOP CLEANUP", "SYSTEM START CLEANUP"), "TABLE", "SYSTEM"),
    (
        "SYSTEM VIEWS",
        (
            "SYSTEM REFRESH VIEW",
            "SYSTEM START VIEWS",
            "SYSTEM STOP VIEWS",
            "SYSTEM START VIEW",
            "SYSTEM STOP VIEW",
            "SYSTEM PAUSE VIEWS",
            "SYSTEM PAUSE VIEW",
            "SYSTEM CANCEL VIEW",
            "REFRESH VIEW",
            "START VIEWS",
            "STOP VIEWS",
            "START VIEW",
            "STOP VIEW",
            "PAUSE VIEWS",
            "PAUSE VIEW",
            "CANCEL VIEW",
        ),
        "VIEW",
        "SYSTEM BACKGROUND",
    ),
    ("SYSTEM STREAMING ENGINES", (), "TABLE", "SYSTEM BACKGROUND"),
    ("SYSTEM BACKGROUND", (), None, "SYSTEM"),
    (
        "SYSTEM DISTRIBUTED SENDS",
        (
            "SYSTEM STOP DISTRIBUTED SENDS",
            "SYSTEM START DISTRIBUTED SENDS",
            "STOP DISTRIBUTED SENDS",
            "START DISTRIBUTED SENDS",
        ),
        "TABLE",
        "SYSTEM SENDS",
    ),
    (
        "SYSTEM REPLICATED SENDS",
        (
            "SYSTEM STOP REPLICATED SENDS",
            "SYSTEM START REPLICATED SENDS",
            "STOP REPLICATED SENDS",
            "START REPLICATED SENDS",
        ),
        "TABLE",
        "SYSTEM SENDS",
    ),
    (
        "SYSTEM SENDS",
        ("SYSTEM STOP SENDS", "SYSTEM START SENDS", "STOP SENDS", "START SENDS"),
        None,
        "SYSTEM",
    ),
    (
        "SYSTEM REPLICATION QUEUES",
        (
            "SYSTEM STOP REPLICATION QUEUES",
            "SYSTEM START REPLICATION QUEUES",
            "STOP REPLICATION QUEUES",
            "START REPLICATION QUEUES",
        ),
        "TABLE",
        "SYSTEM",
    ),
    (
        "SYSTEM VIRTUAL PARTS UPDATE",
        (
            "SYSTEM STOP VIRTUAL PARTS UPDATE",
            "SYSTEM START VIRTUAL PARTS UPDATE",
            "STOP VIRTUAL PARTS UPDATE",
            "START VIRTUAL PARTS UPDATE",
        ),
        "TABLE",
        "SYSTEM",
    ),
    (
        "SYSTEM REDUCE BLOCKING PARTS",
        (
            "SYSTEM STOP REDUCE BLOCKING PARTS",
            "SYSTEM START REDUCE BLOCKING PARTS",
            "STOP REDUCE BLOCKING PARTS",
            "START REDUCE BLOCKING PARTS",
        ),
        "TABLE",
        "SYSTEM",
    ),
    ("SYSTEM DROP REPLICA", ("DROP REPLICA",), "TABLE", "SYSTEM"),
    ("SYSTEM SYNC REPLICA", ("SYNC REPLICA",), "TABLE", "SYSTEM"),
    (
        "SYSTEM REPLICA READINESS",
        ("SYSTEM REPLICA READY", "SYSTEM REPLICA UNREADY"),
        "GLOBAL",
        "SYSTEM",
    ),
    ("SYSTEM RESTART REPLICA", ("RESTART REPLICA",), "TABLE", "SYSTEM"),
    ("SYSTEM RESTORE REPLICA", ("RESTORE REPLICA",), "TABLE", "SYSTEM"),
    ("SYSTEM RESTORE DATABASE REPLICA", ("RESTORE DATABASE REPLICA",), "TABLE", "SYSTEM"),
    ("SYSTEM WAIT LOADING PARTS", ("WAIT LOADING PARTS",), "TABLE", "SYSTEM"),
    ("SYSTEM WAIT QUERY RUNNER", ("WAIT QUERY RUNNER",), "TABLE", "SYSTEM"),
    ("SYSTEM SYNC DATABASE REPLICA", ("SYNC DATABASE REPLICA",), "DATABASE", "SYSTEM"),
    ("SYSTEM SYNC TRANSACTION LOG", ("SYNC TRANSACTION LOG",), "GLOBAL", "SYSTEM"),
    ("SYSTEM SYNC FILE CACHE", ("SYNC FILE CACHE",), "GLOBAL", "SYSTEM"),
    ("SYSTEM FLUSH DISTRIBUTED", ("FLUSH DISTRIBUTED",), "TABLE", "SYSTEM FLUSH"),
    ("SYSTEM FLUSH LOGS", ("FLUSH LOGS",), "GLOBAL", "SYSTEM FLUSH"),
    ("SYSTEM FLUSH ASYNC INSERT QUEUE", ("FLUSH ASYNC INSERT QUEUE",), "GLOBAL", "SYSTEM FLUSH"),
    ("SYSTEM FLUSH OBJECT STORAGE QUEUE", ("FLUSH OBJECT STORAGE QUEUE",), "TABLE", "SYSTEM FLUSH"),
    ("SYSTEM FLUSH", (), None, "SYSTEM"),
    (
        "SYSTEM THREAD FUZZER",
        (
            "SYSTEM START THREAD FUZZER",
            "SYSTEM STOP THREAD FUZZER",
            "START THREAD FUZZER",
            "STOP THREAD FUZZER",
        ),
        "GLOBAL",
        "SYSTEM",
    ),
    ("SYSTEM UNFREEZE", (), "GLOBAL", "SYSTEM"),
    ("SYSTEM UNLOCK SNAPSHOT", ("SYSTEM UNLOCK_SNAPSHOT",), "GLOBAL", "SYSTEM"),
    (
        "SYSTEM FAILPOINT",
        ("SYSTEM ENABLE FAILPOINT", "SYSTEM DISABLE FAILPOINT", "SYSTEM WAIT FAILPOINT"),
        "GLOBAL",
        "SYSTEM",
    ),
    ("SYSTEM MEMORY", ("SYSTEM ALLOCATE MEMORY", "SYSTEM FREE MEMORY"), "GLOBAL", "SYSTEM"),
    ("SYSTEM LISTEN", ("SYSTEM START LISTEN", "SYSTEM STOP LISTEN"), "GLOBAL", "SYSTEM"),
    (
        "SYSTEM JEMALLOC",
        (
            "SYSTEM JEMALLOC PURGE",
            "SYSTEM JEMALLOC ENABLE PROFILE",
            "SYSTEM JEMALLOC DISABLE PROFILE",
            "SYSTEM JEMALLOC FLUSH PROFILE",
        ),
        "GLOBAL",
        "SYSTEM",
    ),
    ("SYSTEM LOAD PRIMARY KEY", (), "TABLE", "SYSTEM"),
    ("SYSTEM UNLOAD PRIMARY KEY", (), "TABLE", "SYSTEM"),
    ("SYSTEM INSTRUMENT ADD", (), "GLOBAL", "SYSTEM"),
    ("SYSTEM INSTRUMENT REMOVE", (), "GLOBAL", "SYSTEM"),
    ("SYSTEM RESET DDL WORKER", ("RESET DDL WORKER",), "GLOBAL", "SYSTEM"),
    ("SYSTEM", (), None, "ALL"),
    (
        "dictGet",
        (
            "dictHas",
            "dictGetHierarchy",
            "dictGetRoot",
            "dictGetChildren",
            "dictGetDescendants",
            "dictIsIn",
        ),
        "DICTIONARY",
        "ALL",
    ),
    ("displaySecretsInShowAndSelect", (), "GLOBAL", "ALL"),
    ("addressToLine", (), "GLOBAL", "INTROSPECTION"),
    ("addressToLineWithInlines", (), "GLOBAL", "INTROSPECTION"),
    ("addressToSymbol", (), "GLOBAL", "INTROSPECTION"),
    ("demangle", (), "GLOBAL", "INTROSPECTION"),
    ("INTROSPECTION", ("INTROSPECTION FUNCTIONS",), None, "ALL"),
    ("READ", ("SOURCE READ",), "SOURCE", "ALL"),
    ("WRITE", ("SOURCE WRITE",), "SOURCE", "ALL"),
    ("CLUSTER", (), "GLOBAL", "ALL"),
    ("FILE", (), "GLOBAL", "ALL"),
    ("URL", (), "GLOBAL", "ALL"),
    ("REMOTE", (), "GLOBAL", "ALL"),
    ("MONGO", (), "GLOBAL", "ALL"),
    ("REDIS", (), "GLOBAL", "ALL"),
    ("MYSQL", (), "GLOBAL", "ALL"),
    ("POSTGRES", (), "GLOBAL", "ALL"),
    ("SQLITE", (), "GLOBAL", "ALL"),
    ("ODBC", (), "GLOBAL", "ALL"),
    ("JDBC", (), "GLOBAL", "ALL"),
    ("HDFS", (), "GLOBAL", "ALL"),
    ("S3", (), "GLOBAL", "ALL"),
    ("HIVE", (), "GLOBAL", "ALL"),
    ("AZURE", (), "GLOBAL", "ALL"),
    ("KAFKA", (), "GLOBAL", "ALL"),
    ("NATS", (), "GLOBAL", "ALL"),
    ("RABBITMQ", (), "GLOBAL", "ALL"),
    ("YTSAURUS", (), "GLOBAL", "ALL"),
    ("ARROW FLIGHT", (), "GLOBAL", "ALL"),
    ("SOURCES", (), "GLOBAL", "ALL"),
    ("ALL", ("ALL PRIVILEGES",), None, None),
    ("NONE", ("USAGE", "NO PRIVILEGES"), None, None),
)


@dataclass(frozen=True)
class ScopeAttributes:
    """Which target attributes a privilege scope allows (grants/scope.go)."""

    database_name: bool = False
    table_name: bool = False
    column_name: bool = False
    access_object: bool = False


ATTRIBUTES_BY_SCOPE: dict[str, ScopeAttributes] = {
    "GLOBAL": ScopeAttributes(),
    "DATABASE": ScopeAttributes(database_name=True),
    "TABLE": ScopeAttributes(database_name=True, table_name=True),
    "VIEW": ScopeAttributes(database_name=True, table_name=True),
    "DICTIONARY": ScopeAttributes(database_name=True, table_name=True),
    "COLUMN": ScopeAttributes(database_name=True, table_name=True, column_name=True),
    "USER_NAME": ScopeAttributes(access_object=True),
    "DEFINER": ScopeAttributes(access_object=True),
    "SOURCE": ScopeAttributes(access_object=True),
    "TABLE_ENGINE": ScopeAttributes(),
}


@dataclass(frozen=True)
class Catalog:
    """alias -> canonical name, group -> members, privilege -> scope."""

    aliases: dict[str, str]
    groups: dict[str, list[str]]
    scopes: dict[str, str]

    def valid_names(self) -> list[str]:
        """Every name the privilege_name OneOf accepts: privileges, aliases and groups."""
        return sorted(set(self.scopes) | set(self.aliases) | set(self.groups))

    def descendants(self, privilege: str) -> list[str]:
        """The privilege and every member of it, recursively."""
        result = [privilege]
        for child in self.groups.get(privilege, []):
            result += self.descendants(child)
        return result

    def scope_attributes(self, privilege: str) -> tuple[ScopeAttributes, ScopeAttributes, bool]:
        """Attributes of the privilege's own scope, their union over its descendants, and
        whether any of them has a supported scope at all."""
        own = ATTRIBUTES_BY_SCOPE.get(self.scopes.get(privilege, ""), ScopeAttributes())
        union = {name: False for name in ScopeAttributes.__dataclass_fields__}
        supported = False
        for member in self.descendants(privilege):
            attrs = ATTRIBUTES_BY_SCOPE.get(self.scopes.get(member, ""))
            if attrs is None:
                continue
            supported = True
            for name in union:
                union[name] = union[name] or getattr(attrs, name)
        return own, ScopeAttributes(**union), supported


@cache
def catalog() -> Catalog:
    """The parsed catalog (grants.go ParseGrantsTSV)."""
    aliases: dict[str, str] = {}
    groups: dict[str, list[str]] = {}
    scopes: dict[str, str] = {}
    for name, names, scope, parent in CATALOG:
        for alias in names:
            aliases[alias] = name
        if parent is not None:
            groups.setdefault(parent, []).append(name)
        if scope is not None:
            scopes[name] = scope
    return Catalog(aliases, groups, scopes)
