/// The known name closest to `name` within a few edits, for "did you mean" hints in load errors.
public func closest(to name: String, among candidates: some Sequence<String>) -> String? {
    let limit = max(2, name.count / 3)
    return candidates
        .map { ($0, editDistance(name.lowercased(), $0.lowercased())) }
        .filter { $0.1 <= limit }
        .min { $0.1 < $1.1 }?.0
}

/// Levenshtein distance over bytes: names here are ASCII keys and identifiers.
private func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a.utf8), b = Array(b.utf8)
    guard !a.isEmpty else { return b.count }
    var previous = Array(0...b.count)
    for i in 1...a.count {
        var current = [i] + Array(repeating: 0, count: b.count)
        for j in stride(from: 1, through: b.count, by: 1) {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return previous[b.count]
}
