/// Exponential backoff with full jitter between attempts of a transient failure.
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts in all, the first included; 1 means no retry.
    public var attempts: Int
    public var initialBackoff: Duration
    public var maxBackoff: Duration

    public init(attempts: Int = 5, initialBackoff: Duration = .milliseconds(200), maxBackoff: Duration = .seconds(30)) {
        precondition(attempts >= 1, "at least one attempt")
        self.attempts = attempts
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
    }

    /// The ceiling of the wait after failed attempt `attempt` (1-based): initial × 2^(attempt−1), capped.
    public func ceiling(afterAttempt attempt: Int) -> Duration {
        let doubled = initialBackoff * (1 << min(attempt - 1, 30))
        return min(doubled, maxBackoff)
    }

    /// A wait drawn uniformly in [ceiling/2, ceiling]: spread so that many failing messages do
    /// not retry in lockstep, yet never so short that a struggling sink is hammered.
    public func delay<R: RandomNumberGenerator>(afterAttempt attempt: Int, using random: inout R) -> Duration {
        let ceiling = ceiling(afterAttempt: attempt)
        return ceiling / 2 + ceiling / 2 * Double.random(in: 0...1, using: &random)
    }
}
