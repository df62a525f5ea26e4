import { Button, Text, View } from '@tarojs/components'
import type { ApiError } from '../../../cloud/src/api/errors'
import { TEXT, errorMessage } from '../../i18n/zh-CN'
import type { LoadStatus } from '../../stores/events'

/** What a list page shows while it has nothing to list: loading, the error with a retry, or empty. */
export function LoadState({ status, error, onRetry, emptyText }: { status: LoadStatus; error: ApiError | null; onRetry: () => void; emptyText: string }) {
  if (status === 'error' && error) {
    return (
      <View className='empty'>
        <Text className='error-text'>{errorMessage(error.code)}</Text>
        <Button className='button-secondary' onClick={onRetry}>
          {TEXT.retry}
        </Button>
      </View>
    )
  }
  return <View className='empty'>{status === 'ready' ? <Text>{emptyText}</Text> : TEXT.loading}</View>
}
