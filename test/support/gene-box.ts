/** The <gene-autocomplete> element as a user finds it on a page: by role and accessible name. */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

export function geneBox(page: () => Page) {
  const combobox = () => page().getByRole('combobox', { name: 'Gene name' });
  const options = () => page().getByRole('listbox', { name: 'Gene suggestions' }).getByRole('option');
  const status = () => page().getByRole('status');
  const genes = () => options().locator('[part~=gene]').allTextContents();

  // Waits for the answer to the whole text (its first gene, the text marked): on a slow
  // machine the debounce can fire between keystrokes, and the list briefly shows an
  // earlier prefix's genes.
  async function type(text: string, first: string): Promise<void> {
    await combobox().pressSequentially(text);
    const top = async () => [(await genes())[0], (await options().first().locator('mark').allTextContents()).join().toLowerCase()];
    await expect.poll(top).toEqual([first, text.toLowerCase()]);
  }

  return { combobox, options, status, genes, type };
}
