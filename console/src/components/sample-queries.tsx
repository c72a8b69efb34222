import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Header from '@cloudscape-design/components/header';
import Table from '@cloudscape-design/components/table';
import TextFilter from '@cloudscape-design/components/text-filter';
import type { ReactNode } from 'react';
import { useEffect, useState } from 'react';
import { api } from '../api';
import { useFlash } from '../flash';

export interface SampleQuery {
  Name: string;
  Description: string;
  SQL: string;
}

/** SearchSampleQueries needs two characters: a word every sample's SQL holds lists them all. */
const EVERY_SAMPLE = 'SELECT';

/** The sample queries (SearchSampleQueries), searched as one types; one loads into the editor. */
export function SampleQueries({ onUse }: { onUse: (sample: SampleQuery) => void }): ReactNode {
  const flash = useFlash();
  const [search, setSearch] = useState('');
  const [samples, setSamples] = useState<SampleQuery[]>([]);
  const [loading, setLoading] = useState(true);

  useEffect(() => {
    const phrase = search.trim().length >= 2 ? search.trim() : EVERY_SAMPLE;
    let stale = false;
    const timer = setTimeout(() => {
      setLoading(true);
      api
        .call<{ SearchResults?: SampleQuery[] }>('SearchSampleQueries', { SearchPhrase: phrase, MaxResults: 50 })
        .then((out) => {
          if (!stale) setSamples(out.SearchResults ?? []);
        })
        .catch((e: unknown) => {
          if (!stale) flash.error('Could not search the sample queries', e);
        })
        .finally(() => {
          if (!stale) setLoading(false);
        });
    }, 250);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [search]);

  return (
    <Table
      data-testid="sample-queries"
      variant="embedded"
      items={samples}
      loading={loading}
      loadingText="Searching sample queries"
      trackBy="Name"
      ariaLabels={{ tableLabel: 'Sample queries' }}
      header={<Header counter={`(${samples.length})`} description="Queries to start from. The table you chose replaces $EDS_ID.">Sample queries</Header>}
      filter={<TextFilter filteringText={search} filteringPlaceholder="Search sample queries" filteringAriaLabel="Search sample queries" onChange={(e) => setSearch(e.detail.filteringText)} countText={`${samples.length} matches`} />}
      empty={<Box textAlign="center">No sample query matches.</Box>}
      wrapLines
      columnDefinitions={[
        {
          id: 'name',
          header: 'Name',
          width: 260,
          cell: (s) => (
            <Button variant="inline-link" ariaLabel={`Load sample query ${s.Name} into the editor`} onClick={() => onUse(s)}>
              {s.Name}
            </Button>
          ),
        },
        {
          id: 'description',
          header: 'Description and SQL',
          cell: (s) => (
            <SpaceBetween size="xxs">
              <span>{s.Description}</span>
              <Box variant="code" fontSize="body-s" color="text-body-secondary">
                {s.SQL}
              </Box>
            </SpaceBetween>
          ),
        },
      ]}
    />
  );
}
