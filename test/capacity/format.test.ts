import { formatPlanJson, formatPlanTable, PlanReport } from '../../src/capacity/format';
import { planCapacity } from '../../src/capacity/planner';
import { capacitySchema, PROVIDERS } from '../../src/config/features/capacity';

const capacity = capacitySchema.parse({});
const plan = planCapacity(capacity, { cpuRequestCores: 0.25, memoryRequestMebibytes: 256, cpuTargetUtilization: 0.7, memoryTargetUtilization: 0.8 });
const report: PlanReport = { environment: 'prod', sources: ['config/defaults.yaml'], capacity, plan, configuredReplicas: { minReplicas: 3, maxReplicas: 20 } };

describe('formatPlanJson', () => {
  const parsed = JSON.parse(formatPlanJson(report));

  it('has the inputs and every plan section, units in the names', () => {
    expect(Object.keys(parsed)).toEqual(['environment', 'workflow', 'sources', 'configuredReplicas', 'capacity', 'plan']);
    expect(parsed.environment).toBe('prod');
    expect(Object.keys(parsed.plan)).toEqual(['profileName', 'load', 'cpu', 'memory', 'storage', 'network', 'pods', 'monthlyCost', 'assumptions']);
    expect(parsed.plan.cpu).toEqual({ requiredCores: 3.125, requiredCoresRoundedUp: 4, averageLoadCores: expect.any(Number) });
    expect(parsed.plan.memory.requiredGibibytesRoundedUp).toBe(96);
    expect(parsed.plan.storage.requiredGibibytes).toBe(2929.6875);
    expect(Object.keys(parsed.plan.monthlyCost.providers)).toEqual([...PROVIDERS]);
    for (const p of PROVIDERS) {
      const cost = parsed.plan.monthlyCost.providers[p];
      expect(Object.keys(cost.items)).toEqual(['compute', 'memory', 'storage', 'transfer', 'managedServices']);
      for (const item of Object.values(cost.items) as { billedQuantity: number; unitPrice: number; cost: number; basis: string }[]) {
        expect(item.cost).toBeCloseTo(item.billedQuantity * item.unitPrice, 5);
        expect(item.basis.length).toBeGreaterThan(0);
      }
    }
  });

  it('writes no floating-point dust', () => {
    // 3.125 is 3.1250000000000004 in the raw computation; 281.28 is 281.28000000000003.
    expect(formatPlanJson(report)).not.toMatch(/\d\.\d{7,}/);
    expect(parsed.plan.monthlyCost.providers.azure.items.storage.cost).toBe(281.28);
  });

  it('writes null for an absent environment', () => {
    expect(JSON.parse(formatPlanJson({ ...report, environment: undefined })).environment).toBeNull();
  });
});

describe('formatPlanTable', () => {
  const text = formatPlanTable(report);

  it('shows the headline figures of the playbook example', () => {
    expect(text).toMatch(/concurrent sessions\s+1,500\s/);
    expect(text).toMatch(/requests per second\s+20\.833\s/);
    expect(text).toMatch(/CPU cores \(\+50 %\)\s+3\.125\s+4\s/);
    expect(text).toMatch(/memory GiB \(\+30 %\)\s+95\.255\s+96\s/);
    expect(text).toMatch(/storage GiB \(30 days kept\)\s+2,929\.688\s+2,930/);
    expect(text).toMatch(/recommended HPA max\s+477/);
    expect(text).toMatch(/configured HPA min \/ max\s+3 \/ 20\s+kept/);
  });

  it('itemizes each provider with a basis and a total', () => {
    expect(text).toMatch(/compute\s+85,860 core-hour\s+4,293\.00\s+4,121\.28\s+4,035\.42\s+pods:/);
    expect(text).toMatch(/transfer\s+30,000 GB\s+2,700\.00\s+2,610\.00\s+2,550\.00\s+average:/);
    expect(text).toMatch(/total\s+8,644\.60\s+8,328\.23\s+8,185\.50/);
  });

  it('aligns columns: every row of the cost table is as wide as its header or narrower', () => {
    const lines = text.split('\n');
    const header = lines.findIndex((l) => l.startsWith('Monthly cost'));
    const awsColumnEnd = lines[header].indexOf('aws') + 'aws'.length;
    for (const line of lines.slice(header + 1, header + 7)) {
      expect(line.slice(awsColumnEnd - 3, awsColumnEnd)).toMatch(/\d\d$/);
    }
  });
});
