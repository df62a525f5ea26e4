import { Text, View } from '@tarojs/components'
import type { ApiError } from '../../../cloud/src/api/errors'
import { TEXT, errorMessage } from '../../i18n/zh-CN'
import type { LoadStatus } from '../../stores/loadStatus'
import { PageMessage, type PageAction } from '../PageMessage'

/**
 * What a page shows while it has nothing to show: loading, the error with a retry, or empty with
 * the way on (`emptyAction`).
 */
export function LoadState({
  status,
  error,
  onRetry,
  emptyText,
  emptyAction,
}: {
  status: LoadStatus
  error: ApiError | null
  onRetry: () => void
  emptyText: string
  emptyAction?: PageAction
}) {
  if (status === 'error' && error) {
    return (
      <PageMessage
        tone='error'
        testId='load-error'
        title={TEXT.loadFailedTitle}
        body={errorMessage(error.code)}
        actions={[{ label: TEXT.retry, onClick: onRetry, primary: true }]}
      />
    )
  }
  if (status === 'ready') return <PageMessage testId='empty' title={emptyText} actions={emptyAction ? [{ ...emptyAction, primary: true }] : []} />
  return <Loading />
}

/** The loading line, announced to screen readers. */
export function Loading() {
  return (
    <View className='page-loading' role='status' data-testid='loading'>
      <Text>{TEXT.loading}</Text>
    </View>
  )
}

export interface NotFoundText {
  title: string
  body: string
  actions: PageAction[]
}

/** A page about one thing (an event, a session, a ticket) that is not there, with the way on. */
export function NotFoundPage({ title, body, actions }: NotFoundText) {
  return (
    <View className='page'>
      <PageMessage testId='not-found' title={title} body={body} actions={actions} />
    </View>
  )
}

/**
 * Until an answer says the thing is missing (`missing`), the page is loading or failed with a
 * retry: a failed load is never reported as "not found".
 */
export function LoadingOrNotFound({ status, error, onRetry, missing, notFound }: { status: LoadStatus; error: ApiError | null; onRetry: () => void; missing: boolean; notFound: NotFoundText }) {
  if (missing) return <NotFoundPage {...notFound} />
  return (
    <View className='page'>
      <LoadState status={status} error={error} onRetry={onRetry} emptyText={notFound.title} />
    </View>
  )
}
