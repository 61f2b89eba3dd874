import { allItems } from '../../../lambdas/shared/pages';

describe('reading every page', () => {
  it('gives the items of every page in order, a page without its list counting as empty', async () => {
    // GIVEN three pages, the second without a list
    async function* pages() {
      yield { Subnets: ['subnet-1', 'subnet-2'] };
      yield { Subnets: undefined };
      yield { Subnets: ['subnet-3'] };
    }

    // WHEN
    const items = await allItems(pages(), (page) => page.Subnets);

    // THEN
    expect(items).toEqual(['subnet-1', 'subnet-2', 'subnet-3']);
  });

  it('rejects with the error of a page that fails', async () => {
    // GIVEN a listing whose second page fails
    async function* pages() {
      yield { Subnets: ['subnet-1'] };
      throw new Error('Rate exceeded');
    }

    // WHEN / THEN
    await expect(allItems(pages(), (page) => page.Subnets)).rejects.toThrow('Rate exceeded');
  });
});
