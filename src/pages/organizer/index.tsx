import { Button, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { TEXT } from '../../i18n/zh-CN'

export default function OrganizerPage() {
  return (
    <View className='page'>
      <View className='card'>
        <Text className='title'>{TEXT.organizerHeading}</Text>
        <Text className='muted'>{TEXT.organizerStatsPlaceholder}</Text>
      </View>
      <Button className='button-primary' onClick={() => void Taro.navigateTo({ url: '/pages/checkin/index' })}>
        {TEXT.organizerCheckinEntry}
      </Button>
    </View>
  )
}
