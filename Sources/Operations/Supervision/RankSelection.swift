extension MutableCollection where Self: RandomAccessCollection, Index == Int, Element: Comparable {
    /// The element that sorting would put at offset `rank` (0-based), found in linear time on average
    /// by three-way partitioning around random pivots (so neither sorted input nor many equal elements
    /// make it quadratic); the elements are left reordered. A report takes the median and the 90th
    /// percentile of a million delays: sorting them all cost more than the rest of its figures.
    mutating func selectElement(atSortedOffset rank: Int) -> Element {
        precondition(indices.contains(startIndex + rank), "rank \(rank) outside 0..<\(count)")
        let target = startIndex + rank
        var (low, high) = (startIndex, endIndex - 1)
        while low < high {
            let pivot = self[Int.random(in: low...high)]
            // [low, less): below the pivot; [less, next): equal; (greater, high]: above.
            var (less, next, greater) = (low, low, high)
            while next <= greater {
                if self[next] < pivot {
                    swapAt(less, next)
                    less += 1
                    next += 1
                } else if self[next] > pivot {
                    swapAt(next, greater)
                    greater -= 1
                } else {
                    next += 1
                }
            }
            if target < less {
                high = less - 1
            } else if target > greater {
                low = greater + 1
            } else {
                return pivot
            }
        }
        return self[target]
    }
}
