import { Text, View } from '@tarojs/components'
import { TEXT } from '../../i18n/zh-CN'

export default function TicketsPage() {
  return (
    <View className='page'>
      <View className='empty'>
        <Text>{TEXT.ticketsEmpty}</Text>
      </View>
    </View>
  )
}
