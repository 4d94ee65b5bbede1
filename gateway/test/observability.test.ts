import { describe, expect, it } from 'vitest';
import { boundedLabel } from '../src/observability.js';

describe('boundedLabel', () => {
  it('keeps the first N distinct values and folds the rest into "other"', () => {
    const label = boundedLabel(2);
    expect(['a', 'b', 'c', 'a', 'd', 'b'].map(label)).toEqual(['a', 'b', 'other', 'a', 'other', 'b']);
  });
});
