import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The process's Prometheus registry and the service's own metrics, served at /metrics. */
export const registry = new Registry();
collectDefaultMetrics({ register: registry });

export const httpRequestDuration = new Histogram({
  name: 'brokerage_http_request_duration_seconds',
  help: 'HTTP requests by method, route and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [registry],
});

export const registrationsTotal = new Counter({
  name: 'brokerage_registrations_total',
  help: 'Registrations accepted, by resulting status',
  labelNames: ['status'] as const,
  registers: [registry],
});

export const schedulingDuration = new Histogram({
  name: 'brokerage_scheduling_duration_seconds',
  help: 'Run time of the scheduling engine',
  buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60],
  registers: [registry],
});

export const jobsTotal = new Counter({
  name: 'brokerage_jobs_total',
  help: 'Queue jobs finished, by queue and outcome (completed, failed = one failed attempt)',
  labelNames: ['queue', 'outcome'] as const,
  registers: [registry],
});

export const emailsTotal = new Counter({
  name: 'brokerage_emails_total',
  help: 'Emails handed to SMTP (sent) or given up on (failed), by cause',
  labelNames: ['cause', 'outcome'] as const,
  registers: [registry],
});
