/// The known name closest to a misspelt one, for "did you mean …?": a typo in a key must not cost an
/// operator a search through the documentation at 3 a.m.
enum KeySuggestion {
    /// The candidate closest to `name`, when it is close enough to be what was meant: the same but for
    /// case, `_` and `-` (`stateDirectory`), a few edits away (`stat_directory`), or extended
    /// (`watches`).
    static func closest(to name: String, among candidates: [String]) -> String? {
        let typed = normalized(name)
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let known = normalized(candidate)
            let distance = editDistance(typed, known)
            // A plural or a suffix (`watches`, `socket_path`) is close however many letters it adds.
            let extends = min(typed.count, known.count) >= 4 && (typed.starts(with: known) || known.starts(with: typed))
            guard distance <= max(1, min(3, known.count / 3)) || extends else { continue }
            if best.map({ distance < $0.distance }) ?? true { best = (candidate, distance) }
        }
        return best?.candidate
    }

    /// Lower case without `_` and `-`, so that camelCase and kebab-case spellings match.
    private static func normalized(_ name: String) -> [Unicode.Scalar] {
        // Bounded so that a hostile key of megabytes costs nothing (the distance is quadratic).
        name.lowercased().unicodeScalars.filter { $0 != "_" && $0 != "-" }.prefix(64).map { $0 }
    }

    /// Levenshtein distance: insertions, deletions and substitutions.
    static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
