import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { median, percentile, withinBudget } from '../../bench/lib/metrics';

describe('bench budgets (npm run bench exits 1 when one is over)', () => {
  it('reads <=, >= and == budgets and leaves a metric without one unjudged', () => {
    assert.equal(withinBudget({ value: 200, unit: 'KB', budget: '<= 200' }), true);
    assert.equal(withinBudget({ value: 200.1, unit: 'KB', budget: '<= 200' }), false);
    assert.equal(withinBudget({ value: 999, unit: '/s', budget: '>= 1000' }), false);
    assert.equal(withinBudget({ value: 1000, unit: '/s', budget: '>= 1000' }), true);
    assert.equal(withinBudget({ value: 1, unit: 'requests', budget: '== 1' }), true);
    assert.equal(withinBudget({ value: 2, unit: 'requests', budget: '== 1' }), false);
    assert.equal(withinBudget({ value: 0, unit: 'webhooks', budget: '== 0' }), true);
    assert.equal(withinBudget({ value: 3, unit: 'x', budget: '' }), undefined);
  });

  it('takes nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i); // 100 .. 1, unsorted on purpose
    assert.equal(percentile(values, 99), 99);
    assert.equal(percentile(values, 100), 100);
    assert.equal(median([5, 1, 3]), 3);
    assert.ok(Number.isNaN(percentile([], 50)));
  });
});
