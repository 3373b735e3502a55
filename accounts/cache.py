import base64
import pickle

from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router, transaction


class CounterCache(DatabaseCache):
    """Django's database cache, with an incr fit for the throttles' counters.

    DatabaseCache.incr is get-then-set: two workers counting at once can both read
    4 and write 5, and the set gives the key the default timeout, so a counter for an
    hour's window would vanish after five quiet minutes. This one locks the row (FOR
    UPDATE on PostgreSQL; on SQLite the IMMEDIATE transaction holds the write lock)
    and changes only the value, keeping the expiry the counter was added with.
    """

    def incr(self, key, delta=1, version=None):
        db_key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote = connection.ops.quote_name
        table, key_column = quote(self._table), quote("cache_key")
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        with transaction.atomic(using=db):
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT 1 FROM {table} WHERE {key_column} = %s{lock}", [db_key]
                )
            value = self.get(key, self._missing_key, version=version)
            if value is self._missing_key:
                raise ValueError(f"Key '{key}' not found")
            value += delta
            encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol))
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET {quote('value')} = %s WHERE {key_column} = %s",
                    [encoded.decode("latin1"), db_key],
                )
        return value
