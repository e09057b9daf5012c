import Kafka
import Metrics
import Synchronization

/// Per route: messages received, delivered, retried and dead-lettered, and the time from
/// receipt to done. Per sink: deliveries, failures and delivery time. Per source partition: the
/// consumer lag, messages published and not yet committed. The process's
/// `MetricsSystem` (or the factory given) decides where they go.
public final class EngineMetrics: Sendable {
    struct Route: Sendable {
        let received: Counter
        let delivered: Counter
        let retried: Counter
        let deadLettered: Counter
        let replies: Counter
        let latency: CoreMetrics.Timer
    }

    struct SinkMetrics: Sendable {
        let delivered: Counter
        let failed: Counter
        let latency: CoreMetrics.Timer
    }

    private let factory: any MetricsFactory
    // Made once per name: creating a metric goes through the factory, which may lock or allocate.
    private let routes = Mutex<[String: Route]>([:])
    private let sinks = Mutex<[String: SinkMetrics]>([:])
    private let lags = Mutex<[TopicPartition: Gauge]>([:])

    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
    }

    func route(_ name: String) -> Route {
        routes.withLock { routes in
            if let known = routes[name] { return known }
            let dimensions = [("route", name)]
            let made = Route(
                received: Counter(label: "passerelle_messages_received", dimensions: dimensions, factory: factory),
                delivered: Counter(label: "passerelle_messages_delivered", dimensions: dimensions, factory: factory),
                retried: Counter(label: "passerelle_messages_retried", dimensions: dimensions, factory: factory),
                deadLettered: Counter(label: "passerelle_messages_dead_lettered", dimensions: dimensions, factory: factory),
                replies: Counter(label: "passerelle_replies", dimensions: dimensions, factory: factory),
                latency: CoreMetrics.Timer(label: "passerelle_message_duration", dimensions: dimensions, factory: factory))
            routes[name] = made
            return made
        }
    }

    func lag(_ partition: TopicPartition) -> Gauge {
        lags.withLock { lags in
            if let known = lags[partition] { return known }
            let made = Gauge(label: "passerelle_consumer_lag", dimensions: [("topic", partition.topic), ("partition", String(partition.partition))],
                             factory: factory)
            lags[partition] = made
            return made
        }
    }

    func sink(_ name: String) -> SinkMetrics {
        sinks.withLock { sinks in
            if let known = sinks[name] { return known }
            let dimensions = [("sink", name)]
            let made = SinkMetrics(
                delivered: Counter(label: "passerelle_sink_deliveries", dimensions: dimensions, factory: factory),
                failed: Counter(label: "passerelle_sink_failures", dimensions: dimensions, factory: factory),
                latency: CoreMetrics.Timer(label: "passerelle_sink_duration", dimensions: dimensions, factory: factory))
            sinks[name] = made
            return made
        }
    }
}
