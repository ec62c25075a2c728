package bench

import (
	"slices"
	"time"
)

// A Timer times calls: the median of Reps samples, each sample a batch of
// calls lasting at least MinSample (one call if a call is slower), after
// one call to warm up and calibrate.
type Timer struct {
	Reps      int
	MinSample time.Duration
	// Slow is the call time above which only three samples are taken.
	Slow time.Duration
}

// Time returns the median time per call of f.
func (t Timer) Time(f func() error) (time.Duration, error) {
	ts, err := t.TimeEach(f)
	if err != nil {
		return 0, err
	}
	return ts[0], nil
}

// TimeEach returns the median time per call of each function. Their
// samples alternate (a sample of the first, of the second, ..., then the
// first again), so that a burst of other work on the machine slows them
// alike and their ratios hold better than their times.
func (t Timer) TimeEach(fs ...func() error) ([]time.Duration, error) {
	batch := make([]int, len(fs))
	reps := max(1, t.Reps)
	for i, f := range fs {
		began := time.Now()
		if err := f(); err != nil {
			return nil, err
		}
		one := time.Since(began)
		batch[i] = 1
		if one < t.MinSample {
			batch[i] = min(int(t.MinSample/max(one, 100*time.Nanosecond))+1, 1_000_000)
		}
		if t.Slow > 0 && one > t.Slow {
			reps = min(reps, 3)
		}
	}
	samples := make([][]time.Duration, len(fs))
	for range reps {
		for i, f := range fs {
			began := time.Now()
			for range batch[i] {
				if err := f(); err != nil {
					return nil, err
				}
			}
			samples[i] = append(samples[i], time.Since(began)/time.Duration(batch[i]))
		}
	}
	out := make([]time.Duration, len(fs))
	for i := range fs {
		out[i] = medianOf(samples[i])
	}
	return out, nil
}

// medianOf returns the median of ds (the lower middle of an even count).
func medianOf(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	ds = slices.Clone(ds)
	slices.Sort(ds)
	return ds[(len(ds)-1)/2]
}

// percentile returns the p-th percentile (0 < p <= 100) of sorted ds: the
// smallest value at least p percent of them do not exceed.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted))*p/100+0.999999) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}
