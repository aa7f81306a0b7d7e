use super::verdicts::flagged_facts;
use crate::prelude::*;
use vouch_code::FactKind;

pub struct ConsumerRetryDeadLetter;

static META: ControlMeta = ControlMeta {
    id: "CODE029",
    slug: "consumer_retry_dead_letter",
    title: "Queue consumers retry and dead-letter failed messages",
    area: Area::Resilience,
    severity: Severity::Medium,
    remediation: "Give every queue or event consumer a bounded retry and a dead-letter path: \
                  RabbitMQ `x-dead-letter-exchange` on the queue and `nack(requeue=False)` after \
                  the last attempt, SQS `RedrivePolicy` with `maxReceiveCount`, Kafka a retry topic \
                  and DLT (Spring Kafka `DefaultErrorHandler` with `DeadLetterPublishingRecoverer`), \
                  NATS JetStream `MaxDeliver` with an advisory handler, Pub/Sub dead-letter topics.",
    references: &[
        "https://www.rabbitmq.com/docs/dlx",
        "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html",
        "https://docs.spring.io/spring-kafka/reference/kafka/annotation-error-handling.html",
        "https://www.enterpriseintegrationpatterns.com/patterns/messaging/DeadLetterChannel.html",
    ],
    concepts: &[
        "dead-letter queue",
        "DLQ",
        "poison message handling",
        "consumer retries",
        "message redelivery",
        "event consumers",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Every queue or event consumer the code defines (RabbitMQ, SQS, Kafka, NATS, Pub/Sub, Redis
streams) has retry and dead-letter handling: a bounded redelivery count plus a dead-letter
queue/topic, configured on the consumer or its queue declaration. Consumers without them fail,
each at its definition. NotApplicable when the code has no consumers.

## Why it matters in production

A message the consumer cannot process (a poison message: malformed, referencing deleted data)
is redelivered forever, blocking the partition or burning CPU, while the messages behind it
wait. Dropping it instead loses data silently. A dead-letter queue keeps it for inspection and
lets the rest of the stream flow.

## Example

Bad:

```python
def on_message(ch, method, properties, body):
    handle(json.loads(body))
    ch.basic_ack(method.delivery_tag)

channel.basic_consume(queue="orders", on_message_callback=on_message)
```

Good:

```python
channel.queue_declare("orders", durable=True,
                      arguments={"x-dead-letter-exchange": "orders.dlx", "x-delivery-limit": 5})

def on_message(ch, method, properties, body):
    try:
        handle(json.loads(body))
        ch.basic_ack(method.delivery_tag)
    except Exception:
        ch.basic_nack(method.delivery_tag, requeue=False)
```

## References

- RabbitMQ, Dead Letter Exchanges
- Amazon SQS, dead-letter queues
- Spring for Apache Kafka, error handling and dead-letter publishing
- Enterprise Integration Patterns, Dead Letter Channel
"#,
};

impl Check for ConsumerRetryDeadLetter {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        flagged_facts(
            ws,
            |kind| match kind {
                FactKind::QueueConsumer { retry_dlq } => Some(*retry_dlq),
                _ => None,
            },
            "the code has no queue or event consumers",
            |detail| format!("consumer without retry and dead-letter handling: {detail}"),
        )
    }
}
