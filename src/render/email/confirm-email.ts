import type { EmailTemplates } from './templates.js';

export interface ConfirmView {
  subject: string;
  email: string;
  topicNames: string;
  frequency: string;
  hourLabel: string;
  timezone: string;
  confirmUrl: string;
  homeUrl: string;
  expiresIn: string;
}

/** The double opt-in email: one per request, however many topics were picked. */
export function renderConfirmation(templates: EmailTemplates, view: ConfirmView): { html: string; text: string } {
  return { html: templates.html(view), text: templates.text(view) };
}

export function hourLabel(hour: number): string {
  return `${String(hour).padStart(2, '0')}:00`;
}
