/// A stored property of `Root`, written in place at its offset in `Root`'s layout. A key-path
/// subscript on a key path held as a value goes through the key-path runtime on every access,
/// which made storing a mapped value cost more than reading it.
struct StoredProperty<Root, Value>: Sendable {
    let keyPath: WritableKeyPath<Root, Value> & Sendable
    /// Nil for a property that is not stored inline (computed), reached through the key path.
    private let offset: Int?

    init(_ keyPath: WritableKeyPath<Root, Value> & Sendable) {
        self.keyPath = keyPath
        offset = MemoryLayout<Root>.offset(of: keyPath)
    }

    /// Runs `body` on the property of `root`, in place.
    @inline(__always)
    func modify<Result, Failure>(_ root: inout Root, _ body: (inout Value) throws(Failure) -> Result) throws(Failure) -> Result {
        guard let offset else { return try body(&root[keyPath: keyPath]) }
        // `MemoryLayout.offset(of:)` documents this use: the property's storage, typed as the property.
        return try withUnsafeMutableBytes(of: &root) { bytes throws(Failure) in
            try body(&bytes.baseAddress!.advanced(by: offset).assumingMemoryBound(to: Value.self).pointee)
        }
    }
}
