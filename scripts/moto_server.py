"""moto_server for the tests, with the atomicity AWS guarantees and moto 5.2.1 does not.

moto's threaded server runs requests concurrently without locking its models: a DynamoDB
conditional write checks its condition and applies its update in two steps, so two
compare-and-sets on the same value can both succeed (a lost update; measured: 200
successful increments left a counter at 199), and an SQS receive can hand the same
visible message to two receivers. Real DynamoDB and SQS do neither. This starts moto's
own server after wrapping those operations in one lock (released while a long poll
waits), so the tests see the service's semantics. Usage: as moto_server (-H HOST -p PORT).
"""
import functools
import sys
import threading

from moto import server
from moto.dynamodb.models import DynamoDBBackend
from moto.sqs.models import Queue, SQSBackend

LOCK = threading.RLock()


def locked(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with LOCK:
            return fn(*args, **kwargs)

    return wrapper


for name in ("get_item", "put_item", "update_item", "delete_item", "transact_write_items",
             "batch_write_item"):
    if hasattr(DynamoDBBackend, name):
        setattr(DynamoDBBackend, name, locked(getattr(DynamoDBBackend, name)))
for name in ("receive_message", "delete_message", "change_message_visibility"):
    setattr(SQSBackend, name, locked(getattr(SQSBackend, name)))

_wait = Queue.wait_for_messages


def wait_unlocked(self, timeout):
    """A long poll waits without the lock (receive_message holds it exactly once)."""
    LOCK.release()
    try:
        return _wait(self, timeout)
    finally:
        LOCK.acquire()


Queue.wait_for_messages = wait_unlocked

if __name__ == "__main__":
    server.main(sys.argv[1:])
